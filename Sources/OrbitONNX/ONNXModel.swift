import Foundation
import OrbitFormats
import OrbitNetworks
import SwiftProtobuf

/// Where one tensor of θ comes from in the ONNX file: Orbit's layout name, the initializer's name,
/// and whether the file stores it transposed, (in, out) — MatMul's layout, or Gemm with transB = 0.
/// A writer going back to ONNX (or to the user's PyTorch names) reverses this mapping.
public struct ONNXTensorMapping: Codable, Hashable, Sendable {
    public var orbit: String
    public var onnx: String
    public var transposed: Bool

    public init(orbit: String, onnx: String, transposed: Bool) {
        self.orbit = orbit
        self.onnx = onnx
        self.transposed = transposed
    }
}

/// An ONNX model read as an Orbit network plus θ.
///
/// The graph is walked from its input with every shape resolved statically (only the batch
/// dimension may be symbolic). A graph of Gemm (transB either way, alpha = beta = 1), MatMul
/// followed by Add (the bias), Relu, LeakyRelu, Gelu, Tanh, Sigmoid, Flatten, a Reshape that
/// flattens, Identity, Dropout (inference), Constant, and Add as the skip of a residual block
/// σ(F(x) + x) becomes a dense chain (``Network/blocks``), named `layers.N` as Orbit's own. A graph
/// that also uses Conv, BatchNormalization, LayerNormalization, MaxPool, AveragePool,
/// GlobalAveragePool or a spatial ReduceMean becomes a layer graph (``ONNXLayerGraph``) whose nodes
/// carry the PyTorch module names the initializers have. Any other operator is refused naming the
/// node. θ holds the initializers the network uses, in Orbit's layout ((out, in) weights,
/// transposed where the file stores (in, out)) and dtype as stored; ``mapping`` keeps their ONNX
/// names.
///
/// Reading is bounded by the file: protobuf lengths are checked against the bytes present, every
/// initializer's data against its dims, before any tensor is built. Cost O(file size).
public struct ONNXModel: Sendable {
    public var network: Network
    /// θ's tensors in `network.layout` order, named and shaped as the layout says.
    public var tensors: [RawTensor]
    /// Orbit name ↔ initializer name for each tensor of θ, in layout order.
    public var mapping: [ONNXTensorMapping]
    /// `producer_name producer_version`, e.g. "pytorch 2.13.0".
    public var producer: String
    /// The default domain's opset version (0 if the file names none).
    public var opset: Int64

    /// The operators Orbit maps onto today's networks (the list errors print).
    public static let supportedOperators = ONNXOperator.supportedNames
    /// The operators that make the network a layer graph rather than a dense chain.
    public static let layerGraphOperators = ONNXOperator.layerGraphNames.sorted()

    /// Metadata keys under which ``metadata`` records the provenance.
    public static let producerKey = "onnx.producer"
    public static let opsetKey = "onnx.opset"
    public static let mappingKey = "onnx.initializers"

    /// The network description (`orbit.network`, as in Orbit's own files) and the provenance:
    /// producer, opset and the initializer mapping as JSON.
    public var metadata: [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let mappingJSON = (try? encoder.encode(mapping)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return [
            "orbit.network": network.jsonDescription, Self.producerKey: producer, Self.opsetKey: String(opset),
            Self.mappingKey: mappingJSON,
        ]
    }

    /// Reads the `.onnx` file at `path` (at most `limits.maxFileBytes`).
    public static func read(_ path: String, limits: FormatLimits = .standard) throws -> ONNXModel {
        let bytes = try FileReader.read(path, limit: limits.maxFileBytes)
        let data = bytes.withUnsafeBytes { Data($0) }
        return try parse(data, file: path)
    }

    /// Parses the bytes of an ONNX model; `file` names it in errors.
    public static func parse(_ data: Data, file: String = "<memory>") throws(ONNXError) -> ONNXModel {
        let proto: Onnx_ModelProto
        do {
            // The depth limit bounds recursion through nested graphs and types (swift-protobuf's
            // default is 100; a network needs 5).
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 64
            proto = try Onnx_ModelProto(serializedBytes: data, options: options)
        } catch {
            throw .malformed(file: file, detail: "protobuf: \(error)")
        }
        guard proto.hasGraph else {
            throw .invalidGraph(file: file, part: "model", reason: "holds no graph (is this an ONNX model file?)")
        }
        var reader = ONNXGraphReader(file: file)
        let output = try reader.read(proto.graph)
        if reader.usesLayerGraph {
            return try assembleGraph(reader.features, output: output, proto: proto, file: file)
        }
        let blocks = try ONNXChain(file: file, features: reader.features).blocks(to: output)
        guard case .input = reader.features[0].kind else { preconditionFailure("the input is the first value") }
        let inputSize = reader.features[0].shape.reduce(1, *)
        return try assemble(blocks, inputSize: inputSize, proto: proto, file: file)
    }

    /// A layer graph (``ONNXLayerGraph``) and θ in its layout order: parameters, then buffers.
    private static func assembleGraph(
        _ features: [ONNXGraphReader.Feature], output: Int, proto: Onnx_ModelProto, file: String
    ) throws(ONNXError) -> ONNXModel {
        let (nodes, byName) = try ONNXLayerGraph(file: file, features: features).build(to: output)
        let network: Network
        do { network = try Network(inputShape: features[0].shape, nodes: nodes) } catch {
            throw .invalidGraph(file: file, part: "graph", reason: "gives no valid network: \(error)")
        }
        var tensors: [RawTensor] = []
        var mapping: [ONNXTensorMapping] = []
        for spec in network.layout.tensors {
            guard let (tensor, map) = byName[spec.name], tensor.shape == spec.shape else {
                throw .invalidGraph(
                    file: file, part: "tensor '\(spec.name)'",
                    reason: "the layer needs shape \(spec.shape), the file gives \(byName[spec.name]?.0.shape ?? [])")
            }
            tensors.append(tensor)
            mapping.append(map)
        }
        return ONNXModel(
            network: network, tensors: tensors, mapping: mapping, producer: producer(proto), opset: opset(proto))
    }

    private static func opset(_ proto: Onnx_ModelProto) -> Int64 {
        proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }?.version ?? 0
    }

    private static func producer(_ proto: Onnx_ModelProto) -> String {
        [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
    }

    private static func assemble(
        _ blocks: [ONNXChain.Block], inputSize: Int, proto: Onnx_ModelProto, file: String
    ) throws(ONNXError) -> ONNXModel {
        guard !blocks.isEmpty else {
            throw .invalidGraph(file: file, part: "graph", reason: "has no Gemm or MatMul between input and output")
        }
        guard blocks.count <= Network.maxBlockCount else {
            throw .invalidGraph(
                file: file, part: "graph", reason: "has \(blocks.count) blocks, more than \(Network.maxBlockCount)")
        }
        var networkBlocks: [NetworkBlock] = []
        var layers: [ONNXChain.Layer] = []
        for block in blocks {
            switch block {
            case .dense(let layer):
                networkBlocks.append(.dense(layer.dense))
                layers.append(layer)
            case .residual(let inner, let activation):
                networkBlocks.append(.residual(ResidualBlock(layers: inner.map(\.dense), activation: activation)))
                layers += inner
            }
        }
        let network: Network
        do { network = try Network(inputSize: inputSize, blocks: networkBlocks) } catch {
            throw .invalidGraph(file: file, part: "graph", reason: "gives no valid network: \(error)")
        }
        // θ holds one parameter per weight entry: an initializer read by two layers would be tied
        // in the file and untied in θ (a path or an alignment would move the copies apart).
        var user: [String: String] = [:]
        for layer in layers {
            for name in [layer.affine.weightName, layer.affine.biasName].compactMap({ $0 }) {
                if let other = user[name] {
                    throw .notExpressible(
                        file: file, node: layer.affine.node, op: layer.affine.op,
                        reason: "reuses initializer '\(name)' of node '\(other)'; Orbit's layers do not share weights")
                }
                user[name] = layer.affine.node
            }
        }
        var tensors: [RawTensor] = []
        var mapping: [ONNXTensorMapping] = []
        var specs = network.layout.tensors.makeIterator()
        for layer in layers {
            var parts = [(layer.affine.weight, layer.affine.weightName, layer.affine.weightTransposed)]
            if let bias = layer.affine.bias { parts.append((bias, layer.affine.biasName ?? bias.name, false)) }
            for (tensor, name, transposed) in parts {
                let spec = specs.next()!
                precondition(spec.shape == tensor.shape, "layout \(spec.shape) vs tensor \(tensor.shape)")
                tensors.append(tensor.renamed(spec.name))
                mapping.append(ONNXTensorMapping(orbit: spec.name, onnx: name, transposed: transposed))
            }
        }
        return ONNXModel(
            network: network, tensors: tensors, mapping: mapping, producer: producer(proto), opset: opset(proto))
    }
}
