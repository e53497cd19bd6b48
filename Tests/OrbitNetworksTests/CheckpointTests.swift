import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitFormats
@testable import OrbitNetworks
@testable import OrbitNumerics

@Suite struct CheckpointTests {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-ckpt-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func model<S: BLASScalar>(_ text: String, seed: UInt64, as _: S.Type) throws -> Model<S> {
        let network = try Network(parsing: text)
        return Model(network: network, parameters: network.initialParameters(seed: seed), metadata: ["seed": "\(seed)"])
    }

    /// A PyTorch-layout MLP state dict round-trips bit-exactly, with its description, in both formats
    /// and both precisions.
    @Test(arguments: ["model.safetensors", "model.npz"])
    func roundTripIsBitExact(_ fileName: String) throws {
        let f: Model<Float> = try Self.model("mlp:20-16-16-4:relu", seed: 1, as: Float.self)
        let path = Self.temporaryPath(fileName)
        try ModelFile.write(f, to: path)
        let back: Model<Float> = try ModelFile.read(path)
        #expect(back.network == f.network && back.parameters == f.parameters && back.metadata["seed"] == "1")
        #expect(back.renamedTensors.isEmpty)
        let d: Model<Double> = try Self.model("resmlp:6-5x2-3:gelu", seed: 2, as: Double.self)
        try ModelFile.write(d, to: path)
        let backD: Model<Double> = try ModelFile.read(path)
        #expect(backD.network == d.network && backD.parameters == d.parameters)
        let raw = try ModelFile.readRaw(path)
        #expect(raw.tensors.allSatisfy { $0.dtype == .float64 })
    }

    /// A file written without a description (as PyTorch would) needs --arch, and loads under the
    /// naming conventions PyTorch users have, each renaming reported.
    @Test func pyTorchNamingConventions() throws {
        let network = try Network(parsing: "mlp:6-5-3:relu")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 3)
        func write(_ names: [String], to path: String) throws {
            let tensors = try zip(names, network.layout.tensors).map { name, spec in
                try RawTensor(
                    name: name, shape: spec.shape, elements: Array(theta.flat[spec.offset..<(spec.offset + spec.count)])
                )
            }
            try SafetensorsFile(tensors: tensors).write(to: path)
        }
        let path = Self.temporaryPath("sd.safetensors")
        try write(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"], to: path)
        #expect(throws: CheckpointError.noDescription(file: path)) { let _: Model<Float> = try ModelFile.read(path) }
        let exact: Model<Float> = try ModelFile.read(path, network: network)
        #expect(exact.parameters == theta && exact.renamedTensors.isEmpty)
        // nn.Sequential saved directly: "0.weight"…; a wrapper module: "model.layers.0.weight"…
        for names in [
            ["0.weight", "0.bias", "2.weight", "2.bias"],
            ["model.layers.0.weight", "model.layers.0.bias", "model.layers.2.weight", "model.layers.2.bias"],
        ] {
            try write(names, to: path)
            let m: Model<Float> = try ModelFile.read(path, network: network)
            #expect(m.parameters == theta && m.renamedTensors.count == 4)
        }
        // ModuleList numbering (fc.0, fc.1): matched by position because the shapes agree in order.
        try write(["fc.0.weight", "fc.0.bias", "fc.1.weight", "fc.1.bias"], to: path)
        let positional: Model<Float> = try ModelFile.read(path, network: network)
        #expect(
            positional.parameters == theta
                && positional.renamedTensors.map(\.orbit) == network.layout.tensors.map(\.name))
        // An explicit map wins.
        try write(["a", "b", "c", "d"], to: path)
        let mapped: Model<Float> = try ModelFile.read(
            path, network: network,
            nameMap: ["a": "layers.0.weight", "b": "layers.0.bias", "c": "layers.2.weight", "d": "layers.2.bias"])
        #expect(mapped.parameters == theta && mapped.renamedTensors.isEmpty)
    }

    @Test func mismatchedFilesAreRefusedWithNamesAndShapes() throws {
        let small: Model<Float> = try Self.model("mlp:6-5-3:relu", seed: 1, as: Float.self)
        let path = Self.temporaryPath("m.safetensors")
        try ModelFile.write(small, to: path)
        let wider = try Network(parsing: "mlp:6-7-3:relu")
        #expect(
            throws: CheckpointError.shapeMismatch(
                file: path, tensor: "layers.0.weight", expected: [7, 6], found: [5, 6])
        ) {
            let _: Model<Float> = try ModelFile.read(path, network: wider)
        }
        let deeper = try Network(parsing: "mlp:6-5-5-3:relu")
        #expect(throws: CheckpointError.self) { let _: Model<Float> = try ModelFile.read(path, network: deeper) }
        let noBias = try Network(parsing: "mlp:6-5-3:relu:nobias")
        #expect(throws: CheckpointError.extraTensors(file: path, tensors: ["layers.0.bias", "layers.2.bias"])) {
            let _: Model<Float> = try ModelFile.read(path, network: noBias)
        }
        var broken = small
        broken.parameters.withUnsafeMutableBufferPointer { $0[7] = .nan }
        try ModelFile.write(broken, to: path)
        #expect(throws: CheckpointError.nonFinite(file: path, tensor: "layers.0.weight", index: 7)) {
            let _: Model<Float> = try ModelFile.read(path)
        }
        #expect(throws: CheckpointError.unknownFormat(file: "x.pt")) { try ModelFile.write(small, to: "x.pt") }
    }

    static let numpyAvailable: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import numpy"]
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    /// A state dict saved by numpy (float64 → converted, PyTorch names) loads, and an NPZ Orbit
    /// writes is read back by numpy with the same values.
    @Test(.enabled(if: numpyAvailable)) func numpyInterop() throws {
        let path = Self.temporaryPath("np.npz")
        let script = """
            import numpy as np
            w0 = np.arange(30, dtype=np.float64).reshape(5, 6) / 7
            b0 = np.linspace(-1, 1, 5).astype(np.float32)
            w2 = (np.arange(15, dtype=np.float32).reshape(3, 5) - 7) / 3
            b2 = np.array([0.5, -0.25, 2.0], dtype=np.float16)
            np.savez_compressed('\(path)', **{'0.weight': w0, '0.bias': b0, '2.weight': w2, '2.bias': b2})
            """
        try Self.python(script)
        let network = try Network(parsing: "mlp:6-5-3:relu")
        let model: Model<Double> = try ModelFile.read(path, network: network)
        #expect(model.tensorValue("layers.0.weight", 1, 2) == 8.0 / 7)
        #expect(model.tensorValue("layers.2.bias", 0, 2) == 2)
        let out = Self.temporaryPath("orbit.npz")
        try ModelFile.write(model, to: out)
        try Self.python(
            "import numpy as np; d = np.load('\(out)'); assert abs(d['layers.0.weight'][1, 2] - 8 / 7) < 1e-15; assert d['layers.2.bias'].dtype == np.float64"
        )
    }

    static func python(_ script: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "python failed: \(script)")
    }
}

extension Model {
    func tensorValue(_ name: String, _ row: Int, _ column: Int) -> Scalar? { parameters.tensor(name)?[row, column] }
}

@Suite struct ModelCheckTests {
    /// `ModelCheck` lists every problem at once: a missing tensor, a mis-shaped one, an extra one and
    /// non-finite values.
    @Test func reportsEveryProblem() throws {
        let network = try Network(parsing: "mlp:6-5-3:relu")
        var theta: ParameterVector<Float> = network.initialParameters(seed: 1)
        let good = CheckpointTests.temporaryPath("good.safetensors")
        try ModelFile.write(Model(network: network, parameters: theta), to: good)
        #expect(try ModelCheck(good).isValid)
        theta.withUnsafeMutableBufferPointer {
            $0[3] = .nan
            $0[4] = .infinity
        }
        let tensors = [
            try RawTensor(name: "layers.0.weight", shape: [5, 6], elements: Array(theta.flat[0..<30])),
            try RawTensor(name: "layers.0.bias", shape: [4], elements: [Float](repeating: 0, count: 4)),
            try RawTensor(name: "layers.2.weight", shape: [3, 5], elements: [Float](repeating: 0, count: 15)),
            try RawTensor(name: "stray", shape: [2], elements: [Float](repeating: 0, count: 2)),
        ]
        let bad = CheckpointTests.temporaryPath("bad.safetensors")
        try SafetensorsFile(tensors: tensors, metadata: ["orbit.network": network.jsonDescription]).write(to: bad)
        let check = try ModelCheck(bad)
        #expect(
            check.problems == [
                .nonFinite(tensor: "layers.0.weight", count: 2, firstIndex: 3),
                .shape(tensor: "layers.0.bias", expected: [5], found: [4]),
                .missing(tensor: "layers.2.bias", expectedShape: [3]),
                .extra(tensor: "stray", shape: [2]),
            ])
    }
}
