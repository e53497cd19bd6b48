import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitNumerics
import OrbitONNX
import Testing

/// Convolutional ONNX files (both PyTorch exporters) become layer graphs whose Float32 forward pass
/// equals PyTorch's recorded outputs; the ResNet's tensors equal the same model's state dict read
/// with `--arch resnet20:…`; grouped convolutions and unknown operators are refused naming the node.
/// Fixtures and expected.json come from Tests/Fixtures/onnx/make_onnx.py.
@Suite struct ONNXLayerGraphTests {
    typealias Fixtures = ONNXReaderTests

    static let exported = ["conv_net", "bn_pool_cnn", "resnet", "layernorm_cnn"].flatMap {
        ["\($0).legacy.onnx", "\($0).dynamo.onnx"]
    }

    /// f(x; θ) in Float32 on the recorded inputs.
    static func floatOutputs(of model: Model<Float>, on recorded: ONNXReaderTests.Recorded) -> [Double] {
        let batch = recorded.input_shape[0]
        let inputs = Matrix<Float>(
            rows: batch, columns: recorded.inputs.count / batch, flat: recorded.inputs.map { Float($0) })
        let workspace = NetworkWorkspace<Float>(network: model.network, capacity: batch, inference: true)
        return inputs.withView { view in
            let y = workspace.forward(model.parameters, inputs: view)
            return (0..<y.rows).flatMap { i in (0..<y.columns).map { j in Double(y[i, j]) } }
        }
    }

    /// Each export loads, its network type-checks (the plan resolves every shape) and its Float32
    /// outputs equal PyTorch's within 1e-4.
    @Test(arguments: exported)
    func convolutionalExportsEqualPyTorch(_ file: String) throws {
        let name = String(file.split(separator: ".")[0])
        let recorded = try #require(Fixtures.recorded[name])
        let model: Model<Float> = try ModelFile.read(Fixtures.fixture(file))
        #expect(!model.network.isDenseChain)
        #expect(model.network.inputShape == Array(recorded.input_shape.dropFirst()))
        #expect(model.network.plan.outputShape == [recorded.output_shape[1]])
        let found = Self.floatOutputs(of: model, on: recorded)
        #expect(found.count == recorded.outputs.count)
        for (i, (a, b)) in zip(found, recorded.outputs).enumerated() {
            #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(file) output \(i): Orbit \(a), PyTorch \(b)")
        }
    }

    /// The layers read off the graphs: the legacy ResNet export (BatchNorm kept) has the preset's
    /// node types and PyTorch's tensor names; both exporters fold BatchNorm into the convolution in
    /// eval mode, which leaves biased convs; pooling and flatten nodes are where PyTorch has them.
    @Test func layersAndNamesAreReadOffTheGraph() throws {
        let legacy = try ONNXModel.read(Fixtures.fixture("resnet.legacy.onnx"))
        let preset = try Network(parsing: "resnet20:w=2:in=1x8x8:out=3")
        #expect(legacy.network.layout.tensors.map(\.name) == preset.layout.tensors.map(\.name))
        #expect(legacy.network.layout.tensors.map(\.shape) == preset.layout.tensors.map(\.shape))
        #expect(legacy.network.layout.parameterCount == preset.layout.parameterCount)
        #expect(legacy.mapping.map(\.orbit) == legacy.mapping.map(\.onnx))
        let bn = try #require(legacy.network.nodes.first { $0.name == "layer2.0.bn1" })
        #expect(bn.layer == .batchNorm(BatchNormLayer(epsilon: 1e-5, momentum: 0.1)))
        let types = { (n: Network) in n.nodes.map(\.layer.typeName).filter { $0 != "activation" } }
        #expect(types(legacy.network) == types(preset))

        let dynamo = try ONNXModel.read(Fixtures.fixture("resnet.dynamo.onnx"))
        #expect(dynamo.network.nodes.contains { $0.name == "layer2.0.downsample.0" })
        #expect(dynamo.network.nodes.contains { if case .globalAveragePool = $0.layer { true } else { false } })
        #expect(!dynamo.network.plan.hasBatchNorm)

        for exporter in ["legacy", "dynamo"] {
            let cnn = try ONNXModel.read(Fixtures.fixture("bn_pool_cnn.\(exporter).onnx"))
            let kinds = cnn.network.nodes.map(\.layer)
            #expect(
                kinds.map(\.typeName) == [
                    "conv2d", "activation", "pool2d", "conv2d", "activation", "pool2d", "flatten", "linear",
                ])
            #expect(kinds[2] == .pool2d(Pool2dLayer(.max, kernel: 2)))
            #expect(kinds[5] == .pool2d(Pool2dLayer(.average, kernel: 2)))
            #expect(kinds[0] == .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, padding: 1, bias: true)))
            // PyTorch's names where the exporter kept them (`8` is the Linear), stable ones elsewhere.
            #expect(cnn.network.nodes[7].name == "8" && cnn.network.nodes[3].name == "4")
        }
        for exporter in ["legacy", "dynamo"] {
            let ln = try ONNXModel.read(Fixtures.fixture("layernorm_cnn.\(exporter).onnx"))
            let norm = try #require(ln.network.nodes.first { $0.name == "1" })
            #expect(norm.layer == .layerNorm(LayerNormLayer(epsilon: 1e-5)))
            #expect(ln.network.layout.tensor(named: "1.weight")?.shape == [2, 6, 6])
            #expect(ln.mapping.first { $0.orbit == "1.bias" }?.onnx == "1.bias")
        }
        // A flatten node takes the name of the ONNX node that flattens.
        let flatten = try ONNXModel.read(Fixtures.fixture("layernorm_cnn.legacy.onnx")).network.nodes[3]
        #expect(flatten.name == "/3/Flatten" && flatten.layer == .flatten(FlattenLayer()))
    }

    /// The ResNet read from ONNX (legacy export, BatchNorm kept) holds exactly the tensors of the
    /// same model's state dict read with `--arch resnet20:w=2:in=1x8x8:out=3`; the dynamo export's
    /// `fc` (not folded) too.
    @Test func resNetTensorsEqualTheStateDict() throws {
        let preset = try Network(parsing: "resnet20:w=2:in=1x8x8:out=3")
        let stateDict: Model<Float> = try ModelFile.read(Fixtures.fixture("resnet.safetensors"), network: preset)
        let reference = Dictionary(
            uniqueKeysWithValues: preset.layout.tensors.map { ($0.name, stateDict.parameters.tensor($0.name)) })
        for (file, all) in [("resnet.legacy.onnx", true), ("resnet.dynamo.onnx", false)] {
            let onnx: Model<Float> = try ModelFile.read(Fixtures.fixture(file))
            var compared = 0
            for spec in onnx.network.layout.tensors where all || spec.name.hasPrefix("fc.") {
                let expected = try #require(reference[spec.name], "\(file): \(spec.name) is not in the state dict")
                #expect(onnx.parameters.tensor(spec.name) == expected, "\(file): \(spec.name)")
                compared += 1
            }
            #expect(compared == (all ? preset.layout.tensors.count : 2))
        }
    }

    /// A grouped or dilated convolution, pooling in ceil mode or excluding the padding, a LayerNorm
    /// over the last axis only, and a Softmax between the convolution and the head are refused in one
    /// line naming the node and the operator (and, for Softmax, the supported list).
    @Test func unsupportedConvolutionalGraphsAreRefused() throws {
        let bad = Fixtures.fixture("bad")
        #expect(
            throws: ONNXError.unsupportedOperator(
                file: "\(bad)/conv_softmax.onnx", node: "middle_softmax", op: "Softmax",
                supported: ONNXModel.supportedOperators)
        ) {
            _ = try ONNXModel.read("\(bad)/conv_softmax.onnx")
        }
        let softmax =
            "\(ONNXError.unsupportedOperator(file: "f", node: "n", op: "Softmax", supported: ONNXModel.supportedOperators))"
        #expect(softmax.contains("Conv") && softmax.contains("BatchNormalization") && softmax.contains("MaxPool"))
        do {
            _ = try ONNXModel.read("\(bad)/grouped_conv.onnx")
            Issue.record("a grouped convolution loaded")
        } catch {
            guard case .notExpressible(_, "grouped_conv", "Conv", let reason) = error as? ONNXError else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(reason.contains("group=2"))
            #expect(!"\(error)".contains("\n"))
        }
        for (file, node, op, words) in [
            ("dilated_conv.onnx", "dilated_conv", "Conv", "dilation"),
            ("ceil_mode_pool.onnx", "ceil_pool", "MaxPool", "ceil_mode=1"),
            ("count_exclusive_pool.onnx", "exclusive_pool", "AveragePool", "count_include_pad=0"),
            ("layernorm_last_axis.onnx", "row_norm", "LayerNormalization", "axis -1"),
        ] {
            do {
                _ = try ONNXModel.read("\(bad)/\(file)")
                Issue.record("\(file) loaded")
            } catch {
                guard case .notExpressible(_, node, op, let reason)? = error as? ONNXError else {
                    Issue.record("\(file): unexpected error \(error)")
                    continue
                }
                #expect(reason.contains(words), "\(file): \(reason)")
                #expect("\(error)".contains("node '\(node)' (\(op))") && !"\(error)".contains("\n"))
            }
        }
    }
}
