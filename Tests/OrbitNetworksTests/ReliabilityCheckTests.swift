import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitFormats
@testable import OrbitNetworks

/// `orbit check MODEL [--spec S]` validates names, shapes, dtypes and finiteness against a
/// description, and reports every problem at once.
@Suite struct ReliabilityCheckTests {
    /// Checked against a different description, the file gets a mismatch problem plus each tensor's
    /// own problems (shapes, a dtype that cannot hold weights), in one list.
    @Test func specMismatchAndEveryTensorProblemAreReported() throws {
        let stored = try Network(parsing: "mlp:3-4-2:relu")
        let spec = try Network(parsing: "mlp:3-5-2:relu")
        let tensors = [
            try RawTensor(name: "layers.0.weight", shape: [4, 3], elements: [Float](repeating: 1, count: 12)),
            try RawTensor(name: "layers.0.bias", shape: [4], elements: [UInt32](repeating: 1, count: 4)),
            try RawTensor(name: "layers.2.weight", shape: [2, 4], elements: [Float](repeating: 1, count: 8)),
            try RawTensor(name: "layers.2.bias", shape: [2], elements: [Float.nan, 1]),
        ]
        let path = CheckpointTests.temporaryPath("mismatch.safetensors")
        try SafetensorsFile(tensors: tensors, metadata: ["orbit.network": stored.jsonDescription]).write(to: path)
        let check = try ModelCheck(path, network: spec)
        #expect(check.descriptionSource == "given")
        #expect(
            check.problems == [
                .descriptionMismatch(stored: "mlp:3-4-2:relu", given: "mlp:3-5-2:relu"),
                .shape(tensor: "layers.0.weight", expected: [5, 3], found: [4, 3]),
                .shape(tensor: "layers.0.bias", expected: [5], found: [4]),
                .dtype(tensor: "layers.0.bias", dtype: "U32"),
                .shape(tensor: "layers.2.weight", expected: [2, 5], found: [2, 4]),
                .nonFinite(tensor: "layers.2.bias", count: 1, firstIndex: 0),
            ])
        // Against its own description only the tensor problems remain.
        let own = try ModelCheck(path)
        #expect(
            own.problems == [
                .dtype(tensor: "layers.0.bias", dtype: "U32"),
                .nonFinite(tensor: "layers.2.bias", count: 1, firstIndex: 0),
            ])
    }

    /// A stored description that cannot be read is a problem when a spec is given (and an error
    /// when none is).
    @Test func unreadableStoredDescriptionIsAProblem() throws {
        let network = try Network(parsing: "mlp:2-2")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 1)
        let tensors = network.layout.tensors.map { spec in
            try! RawTensor(
                name: spec.name, shape: spec.shape,
                elements: Array(theta.flat[spec.offset..<(spec.offset + spec.count)]))
        }
        let path = CheckpointTests.temporaryPath("garbled.safetensors")
        try SafetensorsFile(tensors: tensors, metadata: ["orbit.network": "{not json"]).write(to: path)
        let check = try ModelCheck(path, network: network)
        #expect(check.problems.count == 1)
        if case .unreadableDescription = check.problems.first {} else { Issue.record("got \(check.problems)") }
        #expect(throws: (any Error).self) { _ = try ModelCheck(path) }
    }

    /// The command: `--spec` takes a description or a file holding one, lists every problem, one per
    /// line, and exits non-zero; a valid model exits 0.
    @Test(.enabled(if: CommandLineTests.binary != nil)) func checkCommandTakesASpecFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let network = try Network(parsing: "mlp:3-4-2:relu")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 1)
        try ModelFile.write(
            Model(network: network, parameters: theta), to: dir.appendingPathComponent("m.safetensors").path)
        try Network(parsing: "mlp:3-5-2:relu").jsonDescription.write(
            to: dir.appendingPathComponent("spec.json"), atomically: true, encoding: .utf8)

        let ok = try CommandLineTests.orbit(["check", "m.safetensors", "--spec", "mlp:3-4-2:relu"], in: dir)
        #expect(ok.status == 0, "\(ok.output) \(ok.error)")
        let bad = try CommandLineTests.orbit(["check", "m.safetensors", "--spec", "spec.json"], in: dir)
        #expect(bad.status != 0)
        let lines = bad.output.split(separator: "\n").filter { $0.hasPrefix("problem:") }
        #expect(lines.count == 4, "\(bad.output)")  // the description and three mis-shaped tensors
        #expect(bad.output.contains("4 problems"))
    }
}
