import OrbitFormats
import OrbitNetworks

/// The layer graph that computes an ONNX graph's output, read off the values of
/// ``ONNXGraphReader`` when the graph uses a convolutional or normalising operator.
///
/// Every value the output depends on becomes one node, in the file's (topological) order: Gemm and
/// MatMul (+ Add) → linear, activations → activation, Add of two values → add, the
/// ``ONNXLayerReader`` layers → conv2d, batchnorm, layernorm, pool2d, global_avg_pool; a Flatten or
/// Reshape of an image → flatten; Identity, Dropout and the Flatten after a global average pool
/// (whose Orbit output already is flat) → no node. A node is named after its initializers when
/// they carry PyTorch names (`layer1.0.conv1.weight` → `layer1.0.conv1`), so θ's tensor names
/// match the model's state dict; otherwise after the ONNX node. O(values + tensors).
struct ONNXLayerGraph {
    let file: String
    let features: [ONNXGraphReader.Feature]

    /// The nodes in evaluation order, and each tensor of θ with its mapping, by Orbit name.
    func build(to output: Int) throws(ONNXError) -> (
        nodes: [NetworkNode], tensors: [String: (RawTensor, ONNXTensorMapping)]
    ) {
        let live = liveValues(to: output)
        // Nodes with tensors take their initializers' module name first, so a parameter-free node
        // named like a module by the exporter cannot take it from them.
        var names = [Int: String]()
        var used: Set<String> = [NetworkNode.networkInput]
        for i in live {
            guard let initializers = initializerNames(of: i), let module = moduleName(initializers) else { continue }
            if used.insert(module).inserted { names[i] = module }
        }
        func unique(_ base: String) -> String {
            var name = base.isEmpty ? "node" : base
            var k = 1
            while used.contains(name) {
                k += 1
                name = "\(base)_\(k)"
            }
            used.insert(name)
            return name
        }
        var nodes: [NetworkNode] = []
        var tensors: [String: (RawTensor, ONNXTensorMapping)] = [:]
        // The Orbit node behind each value, and the Orbit shape of that node's output (a global
        // average pool is [C] where ONNX has C×1×1).
        var orbitName: [Int: String] = [0: NetworkNode.networkInput]
        var orbitShape: [Int: [Int]] = [0: features[0].shape]
        var user: [String: String] = [:]
        func source(_ s: Int, node: String, op: String) throws(ONNXError) -> String {
            guard orbitShape[s] == features[s].shape else {
                throw .notExpressible(
                    file: file, node: node, op: op,
                    reason:
                        "reads a global average pool without flattening it; Orbit's global average pool outputs (batch, C)"
                )
            }
            return orbitName[s]!
        }
        func emit(_ i: Int, _ node: String, _ layer: LayerKind, inputs: [String], shape: [Int]? = nil) {
            nodes.append(NetworkNode(node, layer, inputs: inputs))
            orbitName[i] = node
            orbitShape[i] = shape ?? features[i].shape
        }
        func own(
            _ parts: [(name: String, tensor: RawTensor, onnx: String, transposed: Bool)], node: String,
            onnxNode: String,
            op: String
        ) throws(ONNXError) {
            for part in parts {
                if let other = user[part.onnx] {
                    throw .notExpressible(
                        file: file, node: onnxNode, op: op,
                        reason:
                            "reuses initializer '\(part.onnx)' of node '\(other)'; Orbit's layers do not share weights")
                }
                user[part.onnx] = onnxNode
                let full = "\(node).\(part.name)"
                tensors[full] = (
                    part.tensor.renamed(full),
                    ONNXTensorMapping(orbit: full, onnx: part.onnx, transposed: part.transposed)
                )
            }
        }
        for i in live where i > 0 {
            switch features[i].kind {
            case .input:
                continue
            case .view(let s, let node):
                if features[i].shape.count == 1, orbitShape[s]!.count > 1 {
                    let name = unique(node)
                    emit(i, name, .flatten(FlattenLayer()), inputs: [orbitName[s]!])
                } else {
                    orbitName[i] = orbitName[s]
                    orbitShape[i] = orbitShape[s]!.count == features[i].shape.count ? features[i].shape : orbitShape[s]
                }
            case .affine(let affine):
                let input = try source(affine.source, node: affine.node, op: affine.op)
                let name = names[i] ?? unique(affine.node)
                let outputs = affine.weight.shape[0]
                var parts = [
                    (
                        name: "weight", tensor: affine.weight, onnx: affine.weightName,
                        transposed: affine.weightTransposed
                    )
                ]
                if let bias = affine.bias {
                    parts.append((name: "bias", tensor: bias, onnx: affine.biasName ?? bias.name, transposed: false))
                }
                try own(parts, node: name, onnxNode: affine.node, op: affine.op)
                emit(i, name, .linear(LinearLayer(outputs: outputs, bias: affine.bias != nil)), inputs: [input])
            case .activation(let activation, let s, let node, let op):
                let input = try source(s, node: node, op: op)
                emit(i, unique(node), .activation(ActivationLayer(activation)), inputs: [input])
            case .sum(let a, let b, let node):
                let inputs = [try source(a, node: node, op: "Add"), try source(b, node: node, op: "Add")]
                emit(i, unique(node), .add(AddLayer()), inputs: inputs)
            case .layer(let layer):
                let input = try source(layer.source, node: layer.node, op: layer.op)
                let name = names[i] ?? unique(layer.node)
                try own(
                    layer.tensors.map { (name: $0.name, tensor: $0.tensor, onnx: $0.onnx, transposed: false) },
                    node: name,
                    onnxNode: layer.node, op: layer.op)
                if case .globalAveragePool = layer.layer {
                    emit(i, name, layer.layer, inputs: [input], shape: [features[i].shape[0]])
                } else {
                    emit(i, name, layer.layer, inputs: [input])
                }
            }
        }
        guard orbitShape[output]!.count == 1 else {
            throw .invalidGraph(
                file: file, part: "graph output",
                reason: "has shape \(features[output].shape); Orbit's networks output (batch, features)")
        }
        return (nodes, tensors)
    }

    /// The values the output depends on, ascending (the input, 0, among them).
    private func liveValues(to output: Int) -> [Int] {
        var live = Set<Int>()
        var stack = [output]
        while let v = stack.popLast() {
            guard live.insert(v).inserted else { continue }
            switch features[v].kind {
            case .input: break
            case .view(let s, _): stack.append(s)
            case .affine(let a): stack.append(a.source)
            case .activation(_, let s, _, _): stack.append(s)
            case .sum(let a, let b, _): stack += [a, b]
            case .layer(let l): stack.append(l.source)
            }
        }
        return live.sorted()
    }

    /// The initializer names of a value with tensors.
    private func initializerNames(of i: Int) -> [String]? {
        switch features[i].kind {
        case .affine(let a): return [a.weightName] + (a.biasName.map { [$0] } ?? [])
        case .layer(let l) where !l.tensors.isEmpty: return l.tensors.map(\.onnx)
        default: return nil
        }
    }

    /// `conv1` for `conv1.weight` (and `conv1.bias`, `conv1.running_mean`, …): the module path the
    /// first tensor names when it ends in `.weight`; nil for exporter names (`onnx::Conv_21`).
    private func moduleName(_ names: [String]) -> String? {
        guard let first = names.first, first.hasSuffix(".weight"), !first.contains("::") else { return nil }
        let module = String(first.dropLast(".weight".count))
        return module.isEmpty ? nil : module
    }
}
