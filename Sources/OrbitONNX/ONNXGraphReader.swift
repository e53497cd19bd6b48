import OrbitFormats
import OrbitNetworks

/// The dataflow of an ONNX graph in the terms of Orbit's layers: one pass over the nodes (ONNX
/// requires them in topological order) that resolves every shape statically and records each value
/// as the graph input, an affine map, an activation, a sum, a reshaping view of another value, or a
/// layer-graph layer (``ONNXLayerReader``). ``ONNXChain`` (dense operators only) or
/// ``ONNXLayerGraph`` (any layer-graph operator) then reads the network off the value that reaches
/// the graph output.
///
/// Shapes exclude the batch, the first dimension of the input, which alone may be symbolic.
/// O(nodes + initializer elements); nothing is allocated beyond the initializers the nodes use.
struct ONNXGraphReader {
    /// A value Orbit follows through the graph. Values are referred to by index into ``features``.
    struct Feature {
        /// The shape without the batch dimension.
        var shape: [Int]
        var kind: Kind
    }

    enum Kind {
        case input
        case affine(Affine)
        case activation(Activation, source: Int, node: String, op: String)
        case sum(Int, Int, node: String)
        /// The same data seen with another shape (Flatten, a flattening Reshape), from `node`.
        case view(source: Int, node: String)
        /// A layer-graph node (Conv, BatchNormalization, LayerNormalization, pooling).
        case layer(GraphLayer)
    }

    /// A layer of the layer graph read from one node, with its tensors in Orbit's layout.
    struct GraphLayer {
        var layer: LayerKind
        var source: Int
        /// (name inside the node, tensor, initializer name) in the layer's tensor order.
        var tensors: [(name: String, tensor: RawTensor, onnx: String)]
        var node: String
        var op: String
    }

    /// x ↦ W·x (+ b) from a Gemm or MatMul (+ Add) node, W in Orbit's (out, in) layout.
    struct Affine {
        var source: Int
        var weight: RawTensor
        var weightName: String
        /// Whether the file stores W as (in, out) (MatMul, or Gemm with transB = 0).
        var weightTransposed: Bool
        var bias: RawTensor?
        var biasName: String?
        var node: String
        var op: String
    }

    enum Value {
        case initializer(Onnx_TensorProto)
        case feature(Int)
    }

    let file: String
    private(set) var features: [Feature] = []
    /// Whether some node has no place in a dense chain (``ONNXOperator/layerGraphOperators``).
    private(set) var usesLayerGraph = false
    private var values: [String: Value] = [:]
    /// The batch size when the input fixes it (a number rather than a symbol).
    private var staticBatch: Int?
    /// Initializers and Constants already decoded, and weights already transposed, by value name.
    private var decoded: [String: RawTensor] = [:]
    private var transposedWeights: [String: RawTensor] = [:]

    init(file: String) { self.file = file }

    /// Reads `graph` up to its output; returns the feature index of the output value.
    mutating func read(_ graph: Onnx_GraphProto) throws(ONNXError) -> Int {
        var initializerNames = Set<String>()
        for tensor in graph.initializer {
            guard values[tensor.name] == nil else {
                throw .invalidGraph(file: file, part: "initializer '\(tensor.name)'", reason: "the name appears twice")
            }
            values[tensor.name] = .initializer(tensor)
            initializerNames.insert(tensor.name)
        }
        if let sparse = graph.sparseInitializer.first {
            throw .badTensor(file: file, tensor: sparse.values.name, reason: "sparse initializers are not supported")
        }
        // Before IR version 4, initializers were listed among the inputs too.
        let inputs = graph.input.filter { !initializerNames.contains($0.name) }
        guard inputs.count == 1 else {
            throw .invalidGraph(
                file: file, part: "graph inputs",
                reason:
                    "Orbit's networks take one input, the graph has \(inputs.count) (\(inputs.map(\.name).joined(separator: ", ")))"
            )
        }
        try readInput(inputs[0])
        for (index, node) in graph.node.enumerated() {
            try read(node: node, index: index)
        }
        guard graph.output.count == 1 else {
            throw .invalidGraph(
                file: file, part: "graph outputs",
                reason: "Orbit's networks have one output, the graph has \(graph.output.count)")
        }
        let outputName = graph.output[0].name
        guard case .feature(let output)? = values[outputName] else {
            throw .invalidGraph(
                file: file, part: "output '\(outputName)'",
                reason: "no node computes it from the input (a constant output is not a network)")
        }
        guard features[output].shape.count == 1 else {
            throw .invalidGraph(
                file: file, part: "output '\(outputName)'",
                reason:
                    "has shape (batch, \(features[output].shape.map(String.init).joined(separator: ", "))); Orbit's networks output (batch, features)"
            )
        }
        return output
    }

    private mutating func readInput(_ input: Onnx_ValueInfoProto) throws(ONNXError) {
        let part = "input '\(input.name)'"
        guard case .tensorType(let type)? = input.type.value else {
            throw .invalidGraph(file: file, part: part, reason: "is not a tensor")
        }
        guard [1, 10, 11, 16].contains(type.elemType) else {
            throw .invalidGraph(
                file: file, part: part,
                reason: "has element type \(type.elemType); Orbit's networks take floating-point inputs")
        }
        guard type.hasShape else { throw .dynamicShape(file: file, part: part, shape: "(unknown rank)") }
        let dims = type.shape.dim
        let shown =
            "("
            + dims.map { d -> String in
                switch d.value {
                case .dimValue(let v)?: return String(v)
                case .dimParam(let p)?: return p
                case nil: return "?"
                }
            }.joined(separator: ", ") + ")"
        guard dims.count >= 2, dims.count <= FormatLimits.standard.maxRank else {
            throw .invalidGraph(
                file: file, part: part, reason: "has shape \(shown); Orbit needs (batch, features…), rank 2 or more")
        }
        if case .dimValue(let b)? = dims[0].value, b > 0, let batch = Int(exactly: b) { staticBatch = batch }
        var shape: [Int] = []
        var count = 1
        for d in dims.dropFirst() {
            guard case .dimValue(let v)? = d.value, v > 0, let size = Int(exactly: v) else {
                throw .dynamicShape(file: file, part: part, shape: shown)
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Network.maxParameterCount else {
                throw .invalidGraph(file: file, part: part, reason: "shape \(shown) overflows")
            }
            count = product
            shape.append(size)
        }
        try define(input.name, .feature(add(Feature(shape: shape, kind: .input))), node: part)
    }

    private mutating func add(_ feature: Feature) -> Int {
        features.append(feature)
        return features.count - 1
    }

    private mutating func define(_ name: String, _ value: Value, node: String) throws(ONNXError) {
        guard !name.isEmpty else { return }
        guard values[name] == nil else {
            throw .invalidGraph(file: file, part: "node '\(node)'", reason: "redefines value '\(name)'")
        }
        values[name] = value
    }

    // MARK: - Nodes

    /// One node: its operands resolved, its output recorded. Every operator of ``ONNXOperator`` is
    /// handled here; anything else is refused naming the node.
    private mutating func read(node: Onnx_NodeProto, index: Int) throws(ONNXError) {
        let name = node.name.isEmpty ? "#\(index) (\(node.output.first ?? "no output"))" : node.name
        let opName = node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain).\(node.opType)"
        guard let op = ONNXOperator(opType: node.opType, domain: node.domain) else {
            throw .unsupportedOperator(file: file, node: name, op: opName, supported: ONNXOperator.supportedNames)
        }
        func fail(_ reason: String) -> ONNXError {
            .notExpressible(file: file, node: name, op: op.rawValue, reason: reason)
        }
        func operand(_ i: Int) throws(ONNXError) -> Value? {
            guard i < node.input.count, !node.input[i].isEmpty else { return nil }
            guard let value = values[node.input[i]] else {
                throw fail("reads '\(node.input[i])', which neither an initializer nor an earlier node defines")
            }
            return value
        }
        func feature(_ i: Int) throws(ONNXError) -> Int {
            guard case .feature(let f)? = try operand(i) else {
                throw fail("operand \(i) must be computed from the network input")
            }
            return f
        }
        func constant(_ i: Int) throws(ONNXError) -> RawTensor {
            guard case .initializer(let t)? = try operand(i) else {
                throw fail("operand \(i) must be an initializer or a Constant (Orbit reads weights from the file)")
            }
            // Decoded once however many nodes read it, so a graph cannot multiply its weights'
            // memory by repeating nodes.
            if let cached = decoded[node.input[i]] { return cached }
            let tensor = try ONNXInitializer.rawTensor(t, file: file)
            decoded[node.input[i]] = tensor
            return tensor
        }
        func vector(_ shape: [Int]) -> Int? {
            shape.count == 1 || (shape.count == 2 && shape[0] == 1) ? shape.last! : nil
        }
        guard node.output.count >= 1, !node.output[0].isEmpty else { throw fail("has no output") }
        let attributes = ONNXAttributes(node)
        let result: Value
        switch op {
        case .constant:
            guard let value = attributes.tensor("value") else {
                throw fail("only the 'value' attribute is read (found: \(attributes.names.joined(separator: ", ")))")
            }
            var named = value
            named.name = node.output[0]
            result = .initializer(named)
        case .gemm, .matMul:
            let x = try feature(0)
            var weight = try constant(1)
            let transposed: Bool
            if op == .gemm {
                guard (attributes.int("transA") ?? 0) == 0 else { throw fail("transA=1 is not supported") }
                guard (attributes.float("alpha") ?? 1) == 1, (attributes.float("beta") ?? 1) == 1 else {
                    throw fail(
                        "alpha=\(attributes.float("alpha") ?? 1), beta=\(attributes.float("beta") ?? 1); Orbit reads alpha = beta = 1"
                    )
                }
                transposed = (attributes.int("transB") ?? 0) == 0
            } else {
                transposed = true
            }
            guard features[x].shape.count == 1 else {
                throw fail(
                    "its input has shape (batch, \(features[x].shape.map(String.init).joined(separator: ", "))); a dense layer needs (batch, features) — flatten first"
                )
            }
            guard weight.shape.count == 2 else {
                throw fail("weight '\(weight.name)' has shape \(weight.shape), not 2-D")
            }
            try requireFloat(weight)
            let weightName = weight.name
            if transposed {
                let transpose = transposedWeights[node.input[1]] ?? ONNXInitializer.transposed(weight, name: weightName)
                transposedWeights[node.input[1]] = transpose
                weight = transpose
            }
            let (outputs, inputs) = (weight.shape[0], weight.shape[1])
            guard inputs == features[x].shape[0], outputs > 0 else {
                throw fail(
                    "weight '\(weightName)' maps \(inputs) features to \(outputs), its input has \(features[x].shape[0])"
                )
            }
            var affine = Affine(
                source: x, weight: weight, weightName: weightName, weightTransposed: transposed, bias: nil,
                biasName: nil, node: name, op: op.rawValue)
            if op == .gemm, try operand(2) != nil {
                let bias = try constant(2)
                try requireFloat(bias)
                guard vector(bias.shape) == outputs else {
                    throw fail("bias '\(bias.name)' has shape \(bias.shape); Orbit needs [\(outputs)]")
                }
                affine.bias = try! bias.reshaped([outputs])
                affine.biasName = bias.name
            }
            result = .feature(add(Feature(shape: [outputs], kind: .affine(affine))))
        case .add:
            switch (try operand(0), try operand(1)) {
            case (.feature(let a)?, .feature(let b)?):
                guard features[a].shape == features[b].shape else {
                    throw fail("adds shapes \(features[a].shape) and \(features[b].shape); a skip needs equal widths")
                }
                result = .feature(add(Feature(shape: features[a].shape, kind: .sum(a, b, node: name))))
            case (.feature(let x)?, .initializer?), (.initializer?, .feature(let x)?):
                // A bias after MatMul: x·Wᵀ + b.
                let biasIndex: Int
                if case .initializer? = try operand(0) { biasIndex = 0 } else { biasIndex = 1 }
                let bias = try constant(biasIndex)
                guard case .affine(var affine) = features[x].kind, affine.bias == nil else {
                    throw fail(
                        "adds a constant to a value that is not a bias-free MatMul or Gemm; Orbit reads it as a bias only there"
                    )
                }
                try requireFloat(bias)
                let outputs = affine.weight.shape[0]
                guard vector(bias.shape) == outputs else {
                    throw fail("bias '\(bias.name)' has shape \(bias.shape); Orbit needs [\(outputs)]")
                }
                affine.bias = try! bias.reshaped([outputs])
                affine.biasName = bias.name
                affine.node += " + " + name
                result = .feature(add(Feature(shape: [outputs], kind: .affine(affine))))
            default:
                throw fail("adds two constants; Orbit needs constant folding done at export")
            }
        case .relu, .leakyRelu, .gelu, .tanh, .sigmoid:
            let x = try feature(0)
            let activation = try op.activation(node, file: file, name: name)!
            result = .feature(
                add(
                    Feature(
                        shape: features[x].shape, kind: .activation(activation, source: x, node: name, op: op.rawValue))
                ))
        case .identity:
            guard let value = try operand(0) else { throw fail("has no input") }
            result = value
        case .dropout:
            // Inference: the output is the input. A training_mode operand must be a constant false.
            if try operand(2) != nil {
                let mode = try constant(2)
                guard let flags = try? mode.int64s(), flags.allSatisfy({ $0 == 0 }) else {
                    throw fail("training_mode is not a constant false; Orbit evaluates in inference mode")
                }
            }
            result = .feature(try feature(0))
        case .flatten:
            let x = try feature(0)
            let rank = features[x].shape.count + 1
            var axis = Int(attributes.int("axis") ?? 1)
            if axis < 0 { axis += rank }
            guard axis == 1 else {
                throw fail(
                    "axis \(attributes.int("axis") ?? 1) of a rank-\(rank) tensor; Orbit flattens everything but the batch (axis 1)"
                )
            }
            result = .feature(add(Feature(shape: [features[x].shape.reduce(1, *)], kind: .view(source: x, node: name))))
        case .reshape:
            let x = try feature(0)
            let target = try ONNXInitializer.integers(try constant(1), file: file)
            let allowZero = (attributes.int("allowzero") ?? 0) != 0
            let count = features[x].shape.reduce(1, *)
            // Only a flatten to (batch, count) is a reshape Orbit's chain can follow.
            let batchKept: Bool
            let featuresKept: Bool
            if target.count == 2 {
                let (b, f) = (target[0], target[1])
                batchKept =
                    b == -1
                    ? f == Int64(count) : (b == 0 && !allowZero) || (staticBatch.map { Int64($0) == b } ?? false)
                featuresKept = f == Int64(count) || (f == -1 && b != -1)
            } else {
                (batchKept, featuresKept) = (false, false)
            }
            guard batchKept, featuresKept else {
                throw fail(
                    "target shape \(target) of (batch, \(features[x].shape.map(String.init).joined(separator: ", "))) is not a flatten to (batch, \(count))"
                )
            }
            result = .feature(add(Feature(shape: [count], kind: .view(source: x, node: name))))
        case .conv, .batchNormalization, .layerNormalization, .maxPool, .averagePool, .globalAveragePool,
            .reduceMean:
            usesLayerGraph = true
            let x = try feature(0)
            let reader = ONNXLayerReader(
                file: file, node: name, op: op, attributes: attributes, inputShape: features[x].shape)
            // The layer reader checks the dtypes: weights are float, ReduceMean's axes integers.
            let (layer, outputShape) = try reader.read { i throws(ONNXError) in
                try operand(i) == nil ? nil : try constant(i)
            }
            // A sample's activation is a row of every workspace: bound it as the input is bounded.
            var elements = 1
            for size in outputShape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow, product <= Network.maxParameterCount else {
                    throw fail("its output \(outputShape) per sample is larger than Orbit's limit")
                }
                elements = product
            }
            if op == .batchNormalization, node.output.count > 1,
                node.output.dropFirst().contains(where: { !$0.isEmpty })
            {
                throw fail("outputs running statistics (training mode); export the model in eval mode")
            }
            result = .feature(
                add(
                    Feature(
                        shape: outputShape,
                        kind: .layer(
                            GraphLayer(
                                layer: layer.kind, source: x, tensors: layer.tensors, node: name, op: op.rawValue)))))
        }
        try define(node.output[0], result, node: name)
    }

    private func requireFloat(_ tensor: RawTensor) throws(ONNXError) {
        switch tensor.dtype {
        case .float16, .bfloat16, .float32, .float64: return
        default:
            throw .badTensor(
                file: file, tensor: tensor.name, reason: "has dtype \(tensor.dtype), Orbit reads float weights only")
        }
    }
}
