import Foundation
import OrbitTestSupport
import Testing

@testable import OrbitCheckpoints
@testable import OrbitFormats

/// The issue's user, end to end: the tutorial MLP (`fc1`, `fc2`, `fc3`) saved with safetensors goes
/// through `orbit path`, `align`, `merge`, `curve`, `star` and `symmetry transform` with no flag, and every
/// model Orbit writes carries the user's tensor names again.
@Suite struct PyTorchNamingCommandLineTests: OrbitCommandLineSuite {
    typealias Record = PyTorchNamingRecord

    /// A directory with the tutorial fixture as `a.safetensors` and the fixed batch as `tiny.npz`.
    static func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-naming-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Record.path("named", "safetensors"), toPath: dir.appendingPathComponent("a.safetensors").path)
        let record = Record.recorded
        let x = try RawTensor(name: "x_train", shape: [record.inputs.count, 6], elements: record.inputs.flatMap { $0 })
        let y = try RawTensor(name: "y_train", shape: [record.labels.count], elements: record.labels.map(Int64.init))
        try NPZFile(arrays: [x, y, x.renamed("x_test"), y.renamed("y_test")])
            .write(to: dir.appendingPathComponent("tiny.npz").path)
        return dir
    }

    static let data = ["--data", "npz:tiny.npz", "--standardize", "none"]

    static func names(_ file: URL) throws -> [String] { try ModelFile.readRaw(file.path).tensors.map(\.name) }

    @Test(.enabled(if: binary != nil)) func tutorialMLPRoundTripsThroughEveryWriter() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = Record.recorded.models["named"]!.keys
        func run(_ arguments: [String]) throws -> OrbitRun {
            let r = try Self.orbit(arguments, in: dir)
            #expect(r.status == 0, "orbit \(arguments.joined(separator: " ")): \(r.error)")
            return r
        }
        let transform = try run([
            "symmetry", "transform", "a.safetensors", "--action", "permutation", "--seed", "3", "--out",
            "b.safetensors",
        ])
        #expect(transform.error.contains("inferred mlp:6-8-5-3:relu") && transform.error.contains("relu assumed"))
        // The complaint: `orbit path` with no flag.
        let path = try run(["path", "a.safetensors", "b.safetensors", "--out", "ab"] + Self.data)
        #expect(path.output.contains("line A→B"))
        _ = try run(["align", "a.safetensors", "b.safetensors", "--out", "b_aligned.safetensors"] + Self.data)
        _ = try run(["merge", "a.safetensors", "b.safetensors", "--out", "merged.safetensors"] + Self.data)
        _ = try run(
            [
                "curve", "a.safetensors", "b_aligned.safetensors", "--epochs", "1", "--batch", "5", "--out",
                "bend.safetensors",
            ]
                + Self.data)
        _ = try run(
            ["star", "a.safetensors", "b.safetensors", "--epochs", "1", "--batch", "5", "--out", "c.safetensors"]
                + Self.data)
        for written in [
            "b.safetensors", "b_aligned.safetensors", "merged.safetensors", "bend.safetensors", "c.safetensors",
        ] {
            #expect(try Self.names(dir.appendingPathComponent(written)) == keys, "\(written)")
        }
        // The aligned model is B permuted: the same function, so the same loss as A's copy B.
        let aligned: Model<Float> = try ModelFile.read(dir.appendingPathComponent("b_aligned.safetensors").path)
        Record.recorded.expectEqualsPyTorch(aligned, "named")
    }

    @Test(.enabled(if: binary != nil)) func ambiguousFileNamesTheFlags() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(
            atPath: Record.path("ambiguous", "safetensors"), toPath: dir.appendingPathComponent("amb.safetensors").path)
        let refused = try Self.orbit(["eval", "amb.safetensors"] + Self.data, in: dir)
        #expect(refused.status != 0)
        #expect(refused.error.contains("(1) embed → mix_a → mix_b → head; (2) embed → mix_b → mix_a → head"))
        let flags = "--map embed=layers.0 --map mix_a=layers.2 --map mix_b=layers.4 --map head=layers.6"
        #expect(refused.error.contains(flags))
        let accepted = try Self.orbit(
            ["eval", "amb.safetensors"] + Self.data + flags.split(separator: " ").map(String.init), in: dir)
        #expect(accepted.status == 0, "\(accepted.error)")
        #expect(accepted.output.contains(String(format: "%.6f", Record.recorded.models["ambiguous"]!.loss)))
    }

    /// `orbit convert`: safetensors → NPZ → safetensors gives back the same bytes.
    @Test(.enabled(if: binary != nil)) func convertRoundTripsSafetensorsAndNPZ() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for step in [["a.safetensors", "a.npz"], ["a.npz", "back.safetensors"]] {
            let r = try Self.orbit(["convert"] + step, in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        #expect(try Self.names(dir.appendingPathComponent("a.npz")) == Record.recorded.models["named"]!.keys.sorted())
        let original = try Data(contentsOf: dir.appendingPathComponent("a.safetensors"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("back.safetensors")) == original)
    }

    /// `orbit convert` with `.pt`: PyTorch's own `torch.save` file → safetensors holds the same
    /// tensors as PyTorch's safetensors twin; safetensors → `.pt` → safetensors keeps every name and
    /// value; and `orbit path` takes the `.pt` files with no flag.
    @Test(.enabled(if: binary != nil))
    func convertRoundTripsPt() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        for step in [
            [Record.path("named", "pt"), "from-pt.safetensors"], ["a.safetensors", "a.pt"],
            ["a.pt", "back.safetensors"],
        ] {
            let r = try Self.orbit(["convert"] + step, in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        func tensors(_ path: String) throws -> [String: [Float]] {
            var result: [String: [Float]] = [:]
            for t in try ModelFile.readRaw(path).tensors { result[t.name] = try t.elements(as: Float.self) }
            return result
        }
        let twin = try tensors(Record.path("named", "safetensors"))
        #expect(try tensors(dir.appendingPathComponent("from-pt.safetensors").path) == twin)
        #expect(try tensors(dir.appendingPathComponent("back.safetensors").path) == twin)
        #expect(try Self.names(dir.appendingPathComponent("a.pt")) == Record.recorded.models["named"]!.keys.sorted())
        let path = try Self.orbit(["path", "a.pt", Record.path("named", "pt"), "--out", "ab"] + Self.data, in: dir)
        #expect(path.status == 0, "\(path.error)")
    }
}
