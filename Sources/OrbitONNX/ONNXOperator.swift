import OrbitNetworks

/// The ONNX operators (default domain) Orbit maps onto a ``Network``: a dense chain when the graph
/// uses only the dense operators, a layer graph when it uses any of ``layerGraphOperators``.
///
/// Per-operator knowledge lives here and in ``ONNXGraphReader/read(node:)``.
enum ONNXOperator: String, CaseIterable {
    case gemm = "Gemm"
    case matMul = "MatMul"
    case add = "Add"
    case relu = "Relu"
    case leakyRelu = "LeakyRelu"
    case gelu = "Gelu"
    case tanh = "Tanh"
    case sigmoid = "Sigmoid"
    case flatten = "Flatten"
    case reshape = "Reshape"
    case identity = "Identity"
    case dropout = "Dropout"
    case constant = "Constant"
    case conv = "Conv"
    case batchNormalization = "BatchNormalization"
    case layerNormalization = "LayerNormalization"
    case maxPool = "MaxPool"
    case averagePool = "AveragePool"
    case globalAveragePool = "GlobalAveragePool"
    /// A mean over the two spatial axes with keepdims, the dynamo exporter's AdaptiveAvgPool2d(1).
    case reduceMean = "ReduceMean"

    /// The operator of a node, if Orbit reads it (`ai.onnx` is the default domain's other name).
    init?(opType: String, domain: String) {
        guard domain.isEmpty || domain == "ai.onnx" else { return nil }
        self.init(rawValue: opType)
    }

    /// The operator names of the supported list, as errors print it.
    static let supportedNames: [String] = allCases.map(\.rawValue)

    /// The operators with no place in a dense chain: a graph using any of them becomes a layer graph.
    static let layerGraphOperators: Set<ONNXOperator> = [
        .conv, .batchNormalization, .layerNormalization, .maxPool, .averagePool, .globalAveragePool, .reduceMean,
    ]

    static let layerGraphNames: Set<String> = Set(layerGraphOperators.map(\.rawValue))

    /// The elementwise activation this operator applies, for the activation operators.
    func activation(_ node: Onnx_NodeProto, file: String, name: String) throws(ONNXError) -> Activation? {
        switch self {
        case .relu: return .relu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .leakyRelu:
            // ONNX's default slope is 0.01, as PyTorch's. The file stores it as float32, so 0.2
            // arrives as 0.20000000298…: the float32 value is what the exporter's runtime uses.
            let slope = ONNXAttributes(node).float("alpha") ?? 0.01
            guard slope.isFinite else {
                throw .notExpressible(file: file, node: name, op: rawValue, reason: "alpha \(slope) is not finite")
            }
            return .leakyReLU(slope: Double(slope))
        case .gelu:
            let approximation = ONNXAttributes(node).string("approximate") ?? "none"
            guard approximation == "none" else {
                throw .notExpressible(
                    file: file, node: name, op: rawValue,
                    reason: "approximate=\(approximation); Orbit's GELU is the exact erf form (approximate=none)")
            }
            return .gelu
        default: return nil
        }
    }
}

/// A node's attributes by name (the last one wins, as in onnx's checker).
struct ONNXAttributes {
    var byName: [String: Onnx_AttributeProto] = [:]

    init(_ node: Onnx_NodeProto) {
        for attribute in node.attribute { byName[attribute.name] = attribute }
    }

    func int(_ name: String) -> Int64? { byName[name].flatMap { $0.hasI ? $0.i : nil } }
    func float(_ name: String) -> Float? { byName[name].flatMap { $0.hasF ? $0.f : nil } }
    func string(_ name: String) -> String? {
        byName[name].flatMap { $0.hasS ? String(decoding: $0.s, as: UTF8.self) : nil }
    }
    func tensor(_ name: String) -> Onnx_TensorProto? { byName[name].flatMap { $0.hasT ? $0.t : nil } }
    func ints(_ name: String) -> [Int64]? { byName[name].map(\.ints) }
    func floats(_ name: String) -> [Float]? { byName[name].map(\.floats) }
    var names: [String] { byName.keys.sorted() }
}
