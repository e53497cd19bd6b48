import Foundation
import OrbitExperiments
import Testing

/// Sweeps run on the studies' run store: atomic run folders, versioned results.
@Suite struct SweepStoreTests {
    @Test func resultOfAnotherVersionIsRedoneAndFoldersAreComplete() throws {
        let directory = try alignmentTemporaryDirectory("sweep-store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let counter = RunCounter()
        let sweep = toySweep(counter, widths: [2, 4], seeds: [0])
        try SweepRunner(directory: directory, shard: try SweepShard(parsing: "0/1")).run(sweep)
        #expect(counter.count == 2)
        let first = try Data(
            contentsOf: URL(
                fileURLWithPath: SweepRunner.resultPath(
                    directory: directory, run: try sweep.runIdentifier(sweep.runs[0]))))
        let version = try #require(
            (try JSONSerialization.jsonObject(with: first) as? [String: Any])?["orbit_version"] as? String)
        // Every finished folder holds its configuration and its versioned result, and nothing is
        // left in the staging folder.
        for c in sweep.runs {
            let id = try sweep.runIdentifier(c)
            let result = try String(
                contentsOfFile: SweepRunner.resultPath(directory: directory, run: id), encoding: .utf8)
            #expect(result.contains("\"orbit_version\" : \"\(version)\""))
            #expect(result.contains("\"source_fingerprint\""))
            #expect(FileManager.default.fileExists(atPath: "\(directory)/runs/\(id)/configuration.json"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/tmp").isEmpty)

        // A result written by another Orbit version is not reused.
        let victim = try sweep.runIdentifier(sweep.runs[1])
        let path = SweepRunner.resultPath(directory: directory, run: victim)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"orbit_version\" : \"\(version)\"", with: "\"orbit_version\" : \"0.0.1\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let again = try SweepRunner(directory: directory).run(sweep)
        #expect(again.executed == [1])
        #expect(again.skipped == [0])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        #expect(try SweepCollection(directories: [directory]).missing.isEmpty)
    }
}
