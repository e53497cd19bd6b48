import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitONNX
import OrbitTestSupport
import Testing

/// ONNX files from PyTorch's two exporters (and hand-built ones for the other dtypes) load as
/// Orbit networks whose outputs equal the numbers PyTorch (or numpy) recorded; the files Orbit
/// cannot express are refused naming the node, operator or initializer. The fixtures and
/// expected.json come from Tests/Fixtures/onnx/make_onnx.py; neither torch nor onnx runs here.
@Suite struct ONNXReaderTests: OrbitCommandLineSuite {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/onnx")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    struct Recorded: Decodable {
        var input_shape: [Int]
        var inputs: [Double]
        var output_shape: [Int]
        var outputs: [Double]
    }

    static let recorded: [String: Recorded] = {
        let data = try! Data(contentsOf: fixtures.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode([String: Recorded].self, from: data)
    }()

    /// f(x; θ) on the recorded inputs, in Double.
    static func outputs(of model: Model<Double>, on recorded: Recorded) -> [Double] {
        let batch = recorded.input_shape[0]
        let inputs = Matrix<Double>(rows: batch, columns: recorded.inputs.count / batch, flat: recorded.inputs)
        let workspace = NetworkWorkspace<Double>(network: model.network, capacity: batch, inference: true)
        return inputs.withView { view in
            let y = workspace.forward(model.parameters, inputs: view)
            return (0..<y.rows).flatMap { i in (0..<y.columns).map { j in y[i, j] } }
        }
    }

    static let exported = [
        "relu_mlp", "tanh_gelu_mlp", "leaky_flatten_mlp", "residual_mlp",
    ].flatMap { ["\($0).legacy.onnx", "\($0).dynamo.onnx"] }

    /// Each export (both exporters) loads through ModelFile and evaluates to PyTorch's outputs within
    /// 1e-5 relative; the hand-built float64/float16 files (typed fields and raw_data) and the one
    /// with Identity, Constant, Reshape, Dropout and Gemm transB=0 (`plumbing`) to numpy's.
    @Test(arguments: exported + ["float64_typed.onnx", "float16_typed.onnx", "float16_raw.onnx", "plumbing.onnx"])
    func evaluationEqualsRecordedOutputs(_ file: String) throws {
        let name = String(file.split(separator: ".")[0])
        let recorded = try #require(Self.recorded[name])
        let model: Model<Double> = try ModelFile.read(Self.fixture(file))
        #expect(model.network.inputSize * recorded.input_shape[0] == recorded.inputs.count)
        #expect(model.network.outputSize == recorded.output_shape[1])
        let found = Self.outputs(of: model, on: recorded)
        #expect(found.count == recorded.outputs.count)
        for (i, (a, b)) in zip(found, recorded.outputs).enumerated() {
            #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(file) output \(i): Orbit \(a), recorded \(b)")
        }
    }

    /// The networks read off the graphs: activations, Flatten/Reshape folded into the input size, the
    /// residual block, and the initializer mapping (MatMul's (in, out) weight transposed).
    @Test(arguments: ["legacy", "dynamo"])
    func networksAndMappingAreReadOffTheGraph(_ exporter: String) throws {
        func read(_ name: String) throws -> ONNXModel { try ONNXModel.read(Self.fixture("\(name).\(exporter).onnx")) }
        #expect(try read("relu_mlp").network == Network(parsing: "mlp:6-8-8-3:relu"))
        #expect(try read("residual_mlp").network == Network(parsing: "resmlp:4-6x1-2:relu"))
        let leaky = try read("leaky_flatten_mlp")
        #expect(leaky.network.inputSize == 16)
        #expect(leaky.network.denseLayers.map(\.activation) == [.leakyReLU(slope: Double(Float(0.2))), .identity])
        let gelu = try read("tanh_gelu_mlp")
        #expect(gelu.network.denseLayers.map(\.activation) == [.tanh, .gelu, .sigmoid])
        #expect(
            gelu.mapping.map(\.onnx) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
        #expect(gelu.mapping.map(\.orbit) == gelu.network.layout.tensors.map(\.name))
        #expect(gelu.mapping.map(\.transposed) == [false, false, true, false, false, false])
        #expect(gelu.producer.hasPrefix("pytorch") && gelu.opset == 20)
        // The mapping survives into the model's metadata, for a later writer.
        let model: Model<Float> = try ModelFile.read(Self.fixture("tanh_gelu_mlp.\(exporter).onnx"))
        let stored = try #require(model.metadata[ONNXModel.mappingKey])
        #expect(try JSONDecoder().decode([ONNXTensorMapping].self, from: Data(stored.utf8)) == gelu.mapping)
    }

    /// The hand-made bad files: each refused with the error that names the part.
    @Test func badFilesAreRefusedNamingThePart() throws {
        func error(_ name: String) -> ONNXError? {
            do {
                _ = try ONNXModel.read(Self.fixture("bad/\(name)"))
                return nil
            } catch { return error as? ONNXError }
        }
        let bad = Self.fixture("bad")
        #expect(
            error("softmax.onnx")
                == .unsupportedOperator(
                    file: "\(bad)/softmax.onnx", node: "softmax1", op: "Softmax",
                    supported: ONNXModel.supportedOperators))
        #expect(
            error("dynamic_shape.onnx")
                == .dynamicShape(file: "\(bad)/dynamic_shape.onnx", part: "input 'input'", shape: "(batch, n)"))
        #expect(error("external_data.onnx") == .externalData(file: "\(bad)/external_data.onnx", tensor: "fc0.weight"))
        guard case .badTensor(_, "fc0.weight", let reason)? = error("short_initializer.onnx") else {
            Issue.record("short raw_data not refused")
            return
        }
        #expect(reason.contains("80 bytes") && reason.contains("raw_data holds 48 bytes"))
        guard case .badTensor(_, "fc0.weight", let typed)? = error("short_float_data.onnx") else {
            Issue.record("short float_data not refused")
            return
        }
        #expect(typed.contains("float_data holds 7 values"))
        guard case .notExpressible(_, "branch_add", "Add", _)? = error("parallel_add.onnx") else {
            Issue.record("an Add of parallel branches was not refused naming it")
            return
        }
        guard case .notExpressible(_, "gemm1", "Gemm", let tied)? = error("tied_weights.onnx") else {
            Issue.record("two layers sharing a weight were not refused")
            return
        }
        #expect(tied.contains("'fc0.weight'") && tied.contains("'gemm0'"))
    }

    /// Every prefix cut of a real file, and files with flipped bytes, give a one-line error naming
    /// the file — never a crash.
    @Test func truncatedAndCorruptFilesGiveOneLineErrors() throws {
        let bytes = try Data(contentsOf: Self.fixtures.appendingPathComponent("relu_mlp.legacy.onnx"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var cases: [(String, Data)] = []
        for cut in [0, 1, 2, 17, 100, bytes.count / 2, bytes.count - 300, bytes.count - 1] {
            cases.append(("cut\(cut)", bytes.prefix(cut)))
        }
        var corrupt = bytes
        for i in stride(from: 5, to: corrupt.count, by: 97) { corrupt[i] ^= 0xA5 }
        cases.append(("flipped", corrupt))
        cases.append(("text", Data("not an onnx file at all\n".utf8)))
        for (name, data) in cases {
            let path = dir.appendingPathComponent("\(name).onnx").path
            try data.write(to: URL(fileURLWithPath: path))
            do {
                _ = try ModelFile.read(path) as Model<Float>
                Issue.record("\(name): a damaged file loaded")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix(path) && !message.contains("\n"), "\(name): \(message)")
            }
        }
    }

    /// Orbit does not write ONNX, and says so instead of writing something else under that name.
    @Test func writingONNXIsRefused() throws {
        let network = try Network(parsing: "mlp:3-2")
        let model = Model<Float>(network: network, parameters: network.initialParameters(seed: 1))
        #expect(throws: ONNXError.writingUnsupported(file: "/nonexistent/out.onnx")) {
            try ModelFile.write(model, to: "/nonexistent/out.onnx")
        }
    }

    /// `orbit inspect` shows the network, the tensors and where each came from; a refused file exits
    /// non-zero with one line naming the node.
    @Test(.enabled(if: binary != nil)) func inspectShowsNetworkTensorsAndMapping() throws {
        let run = try Self.orbit(["inspect", Self.fixture("tanh_gelu_mlp.legacy.onnx")])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("5 → dense 7 tanh → dense 7 gelu → dense 2 sigmoid"), "\(run.output)")
        #expect(run.output.contains("layers.2.weight ← 2.weight (stored transposed"), "\(run.output)")
        #expect(run.output.contains("layers.0.weight  F32    [7, 5]"), "\(run.output)")
        let refused = try Self.orbit(["inspect", Self.fixture("bad/conv_softmax.onnx")])
        #expect(refused.status != 0)
        #expect(refused.error.contains("node 'middle_softmax' uses operator Softmax"), "\(refused.error)")
        #expect(refused.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }

    /// `orbit eval` on an ONNX file (the loading dispatch end to end): the cross-entropy on the
    /// recorded inputs equals the one computed from PyTorch's recorded outputs.
    @Test(.enabled(if: binary != nil), arguments: ["relu_mlp.legacy.onnx", "relu_mlp.dynamo.onnx"])
    func evalOnAnONNXFileGivesPyTorchsLoss(_ file: String) throws {
        let recorded = try #require(Self.recorded["relu_mlp"])
        let (batch, inputs, classes) = (recorded.input_shape[0], recorded.input_shape[1], recorded.output_shape[1])
        var csv = (0..<inputs).map { "f\($0)" }.joined(separator: ",") + ",label\n"
        var expected = 0.0
        for i in 0..<batch {
            let row = recorded.inputs[(i * inputs)..<((i + 1) * inputs)]
            csv += row.map { "\($0)" }.joined(separator: ",") + ",\(i % classes)\n"
            let logits = Array(recorded.outputs[(i * classes)..<((i + 1) * classes)])
            let top = logits.max()!
            expected += top + log(logits.map { exp($0 - top) }.reduce(0, +)) - logits[i % classes]
        }
        expected /= Double(batch)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-onnx-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("x.csv")
        try csv.write(to: data, atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("eval.json")
        let run = try Self.orbit([
            "eval", Self.fixture(file), "--data", "csv:\(data.path):label=label", "--standardize", "none",
            "--json", json.path,
        ])
        #expect(run.status == 0, "\(run.error)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        let loss = try #require((report?["train"] as? [String: Any])?["loss"] as? Double)
        #expect(abs(loss - expected) <= 1e-5 * expected, "orbit eval \(loss), from PyTorch's outputs \(expected)")
    }
}
