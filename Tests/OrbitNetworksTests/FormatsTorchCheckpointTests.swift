import Foundation
import OrbitCheckpoints
import OrbitNetworks
import Testing

@testable import OrbitFormats

/// The committed PyTorch fixtures (Tests/Fixtures/pytorch/make_pickle_fixtures.py): each `.pt`/`.pth`
/// loads with the names, dtypes, shapes and values PyTorch recorded in `expected.json`, or is refused
/// with a one-line error naming the file and the part; hostile pickles never run.
@Suite struct FormatsTorchCheckpointTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pytorch/pickle").path

    struct Expected: Decodable {
        struct Tensor: Decodable {
            var name: String
            var dtype: String
            var shape: [Int]
            var values: [Double]
        }
        struct File: Decodable {
            var key_path: [String]?
            var tensors: [Tensor]?
            var error_contains: [String]?
        }
        var marker: String
        var files: [String: File]
    }

    static let expected: Expected = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    static let loadable = expected.files.filter { $0.value.tensors != nil }.keys.sorted()
    static let refused = expected.files.filter { $0.value.error_contains != nil }.keys.sorted()

    static func path(_ name: String) -> String { directory + "/" + name }

    /// Every fixture equals what PyTorch read: names in order, dtypes, shapes and every value.
    @Test(arguments: loadable) func fixtureLoadsAsPyTorchRecorded(name: String) throws {
        let entry = try #require(Self.expected.files[name])
        let file = try TorchCheckpointFile.read(Self.path(name))
        #expect(file.keyPath == entry.key_path)
        let tensors = try #require(entry.tensors)
        #expect(file.tensors.map(\.name) == tensors.map(\.name))
        for (got, want) in zip(file.tensors, tensors) {
            #expect(got.dtype.rawValue == want.dtype, "\(name): \(got.name)")
            #expect(got.shape == want.shape, "\(name): \(got.name)")
            let values = got.dtype.isFloatingPoint ? got.doubles() : try got.int64s().map(Double.init)
            #expect(values == want.values, "\(name): \(got.name)")
        }
        #expect(file.layout == (name.contains("legacy") ? .legacy : .zip))
    }

    /// Each broken or hostile fixture throws one line naming the file and what is wrong.
    @Test(arguments: refused) func fixtureIsRefused(name: String) throws {
        let needles = try #require(Self.expected.files[name]?.error_contains)
        let error = try #require(formatError { _ = try TorchCheckpointFile.read(Self.path(name)) })
        #expect(error.description.hasPrefix(Self.path(name)), "\(error)")
        for needle in needles { #expect(error.description.contains(needle), "\(error) lacks \(needle)") }
    }

    /// Python would run `touch MARKER` unpickling these; Orbit refuses the global and runs nothing.
    @Test func hostilePicklesNameTheGlobalAndRunNothing() throws {
        let marker = Self.expected.marker
        try? FileManager.default.removeItem(atPath: marker)
        for (name, global) in [
            ("hostile-posix-system.pt", "posix.system"), ("hostile-os-system.pth", "os.system"),
            ("hostile-eval.pt", "builtins.eval"),
        ] {
            let error = try #require(formatError { _ = try TorchCheckpointFile.read(Self.path(name)) })
            guard case .forbiddenGlobal(let named, _) = error.reason else {
                Issue.record("\(name): \(error)")
                continue
            }
            #expect(named == global)
            #expect(error.description.contains("refused global '\(global)'"))
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func strideViewsAreCopiedAndContiguousOnesShareTheFile() throws {
        let file = try TorchCheckpointFile.read(Self.path("strided.pt"))
        let base = try #require(file.tensors.first { $0.name == "base" })
        let transposed = try #require(file.tensors.first { $0.name == "transposed" })
        // transposed[j][i] == base[i][j] for the 4×5 base.
        let b = base.doubles()
        let t = transposed.doubles()
        for i in 0..<4 { for j in 0..<5 { #expect(t[j * 4 + i] == b[i * 5 + j]) } }
        let row = try #require(file.tensors.first { $0.name == "row" })
        #expect(row.doubles() == Array(b[10..<15]))
    }

    @Test func writtenCheckpointsReadBackUnchanged() throws {
        let tensors = try Self.orbitWrittenTensors()
        let dir = TemporaryDirectory()
        try TorchCheckpointFile.write(tensors: tensors, to: dir.file("w.pt"))
        let back = try TorchCheckpointFile.read(dir.file("w.pt"))
        #expect(back.tensors == tensors && back.keyPath == [] && back.layout == .zip)
        let bytes = try TorchCheckpointFile.serialized(tensors: tensors)
        #expect(try TorchCheckpointFile.parse(ByteSlice(bytes), file: "<memory>").tensors == tensors)
        // The pickle names only the state-dict globals.
        let pickle = String(decoding: try TorchCheckpointFile.pickle(tensors, file: "x"), as: UTF8.self)
        #expect(pickle.contains("torch._utils\n_rebuild_tensor_v2\n") && !pickle.contains("builtins"))
        // Dtypes PyTorch has no storage for are refused by name.
        let u16 = try RawTensor(name: "u", shape: [1], elements: [UInt16(1)])
        let error = try #require(formatError { _ = try TorchCheckpointFile.serialized(tensors: [u16]) })
        #expect(error.tensor == "u")
    }

    /// A zip whose `byteorder` says big-endian is swapped on load; files that are neither layout are
    /// refused by their first bytes.
    @Test func bigEndianArchivesAreSwappedAndOtherFilesRefused() throws {
        let tensor = try RawTensor(name: "w", shape: [3], elements: [Float(1.5), -2, 0.25])
        let bigEndian = ByteSlice(
            tensor.floats().flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian) { Array($0) } })
        let members = [
            ZipWriter.Member(
                name: "x/data.pkl", pieces: [ByteSlice(try TorchCheckpointFile.pickle([tensor], file: "x"))]),
            ZipWriter.Member(name: "x/byteorder", pieces: [ByteSlice(Array("big".utf8))]),
            ZipWriter.Member(name: "x/data/0", pieces: [bigEndian]),
        ]
        var archive: [UInt8] = []
        try ZipWriter().write(
            members, file: "x", to: { archive += $0.bytes }, pieces: { p in p.withUnsafeBytes { archive += $0 } })
        #expect(try TorchCheckpointFile.parse(ByteSlice(archive), file: "x").tensors == [tensor])
        for junk in [[], [0x7B, 0x22], Array("not a checkpoint".utf8)] as [[UInt8]] {
            let error = formatError { _ = try TorchCheckpointFile.parse(ByteSlice(junk), file: "junk.pt") }
            if case .badMagic = error?.reason {} else { Issue.record("\(junk): \(String(describing: error))") }
        }
    }

    /// `orbit-written.pt` is what the writer produces (the fixture script checks that
    /// `torch.load(weights_only=True)` reads it); ORBIT_WRITE_FIXTURES=1 rewrites it.
    @Test func committedOrbitWrittenFixtureIsTheWritersOutput() throws {
        let tensors = try Self.orbitWrittenTensors()
        let path = Self.path("orbit-written.pt")
        if ProcessInfo.processInfo.environment["ORBIT_WRITE_FIXTURES"] == "1" {
            try TorchCheckpointFile.write(tensors: tensors, to: path)
        }
        let committed = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect([UInt8](committed) == (try TorchCheckpointFile.serialized(tensors: tensors)))
    }

    /// The tensors of `orbit-written.pt`, as the fixture script lists them.
    static func orbitWrittenTensors() throws -> [RawTensor] {
        let entry = try #require(expected.files["orbit-written.pt"]?.tensors)
        return try entry.map { t in
            switch t.dtype {
            case "F32": return try RawTensor(name: t.name, shape: t.shape, elements: t.values.map { Float($0) })
            case "F64": return try RawTensor(name: t.name, shape: t.shape, elements: t.values)
            case "I64": return try RawTensor(name: t.name, shape: t.shape, elements: t.values.map { Int64($0) })
            case "BOOL":
                return try RawTensor(
                    name: t.name, dtype: .bool, shape: t.shape, bytes: ByteSlice(t.values.map { UInt8($0) }))
            case "F16":
                // 1.5 = 0x3E00, −0.25 = 0xB400 (exact in binary16).
                let bits: [UInt16] = t.values.map { $0 == 1.5 ? 0x3E00 : 0xB400 }
                return try RawTensor(
                    name: t.name, dtype: .float16, shape: t.shape, bytes: ByteSlice(littleEndianBytes(bits)))
            case "BF16":
                let bits = t.values.map { UInt16(Float($0).bitPattern >> 16) }
                return try RawTensor(
                    name: t.name, dtype: .bfloat16, shape: t.shape, bytes: ByteSlice(littleEndianBytes(bits)))
            default:
                throw FormatError(file: "expected.json", tensor: t.name, reason: .unsupportedDType(t.dtype))
            }
        }
    }

    /// `.pt` goes through ModelFile like safetensors: readRaw reports the key path, and `read` with a
    /// network matches the MLP's tensors.
    @Test func modelFileReadsTorchCheckpoints() throws {
        let (tensors, metadata) = try ModelFile.readRaw(Self.path("lightning.ckpt.pt"))
        #expect(tensors.first?.name == "model.fc1.weight")
        #expect(metadata[ModelFile.torchKeyPathKey] == "['state_dict']")
        #expect(try ModelFile.readRaw(Self.path("mlp.pt")).metadata.isEmpty)
        let network = try Network(parsing: "mlp:4-6-5-3:relu")
        let model: Model<Float> = try ModelFile.read(Self.path("mlp-legacy.pth"), network: network)
        let expected = try #require(Self.expected.files["mlp-legacy.pth"]?.tensors)
        let flat = model.parameters.withUnsafeBufferPointer { Array($0) }
        #expect(flat == expected.flatMap { $0.values.map { Float($0) } })
    }
}
