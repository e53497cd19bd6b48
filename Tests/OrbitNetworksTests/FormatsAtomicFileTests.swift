import Foundation
import Testing

@testable import OrbitFormats

@Suite("Formats: atomic file writes")
struct FormatsAtomicFileTests {
    @Test func writesAndReplacesLeavingNoTemporaryFiles() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("out.json")
        try AtomicFile.write("first", to: path)
        try AtomicFile.write(Array("second".utf8), to: path)
        #expect(try FileReader.read(path).array == Array("second".utf8))
        #expect(dir.contents == ["out.json"])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        // A large streamed write.
        let big = [UInt8](repeating: 3, count: 3 << 20)
        try AtomicFile.write(to: path) { sink in
            try sink.write(big)
            try sink.write([1, 2])
            #expect(sink.bytesWritten == big.count + 2)
        }
        #expect(try FileReader.size(of: path) == big.count + 2)
    }

    @Test func failureLeavesTheOldFileAndNoDebris() throws {
        struct Boom: Error {}
        let dir = TemporaryDirectory()
        let path = dir.file("keep.txt")
        try AtomicFile.write("old", to: path)
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: path) { sink in
                try sink.write([UInt8](repeating: 0, count: 2 << 20))
                throw Boom()
            }
        }
        #expect(try FileReader.read(path).array == Array("old".utf8))
        #expect(dir.contents == ["keep.txt"])
        let missingDirectory = formatError { try AtomicFile.write("x", to: dir.file("no/such/dir/file")) }
        if case .writeFailed = missingDirectory?.reason {} else { Issue.record("missing directory") }
    }
}
