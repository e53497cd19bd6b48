/// The layer of a node: one case per ``Layer`` conformance (the one switch a new kind joins).
public enum LayerKind: Hashable, Sendable {
    case linear(LinearLayer)
    case conv2d(Conv2dLayer)
    case batchNorm(BatchNormLayer)
    case layerNorm(LayerNormLayer)
    case activation(ActivationLayer)
    case pool2d(Pool2dLayer)
    case globalAveragePool(GlobalAveragePoolLayer)
    case flatten(FlattenLayer)
    case add(AddLayer)

    /// The layer itself.
    public var layer: any Layer {
        switch self {
        case .linear(let l): return l
        case .conv2d(let l): return l
        case .batchNorm(let l): return l
        case .layerNorm(let l): return l
        case .activation(let l): return l
        case .pool2d(let l): return l
        case .globalAveragePool(let l): return l
        case .flatten(let l): return l
        case .add(let l): return l
        }
    }

    /// The `type` of the node in the JSON graph form.
    public var typeName: String {
        switch self {
        case .linear: return "linear"
        case .conv2d: return "conv2d"
        case .batchNorm: return "batchnorm"
        case .layerNorm: return "layernorm"
        case .activation: return "activation"
        case .pool2d: return "pool2d"
        case .globalAveragePool: return "global_avg_pool"
        case .flatten: return "flatten"
        case .add: return "add"
        }
    }

    static func decode(type: String, from decoder: Decoder) throws -> LayerKind {
        switch type {
        case "linear": return .linear(try LinearLayer(from: decoder))
        case "conv2d": return .conv2d(try Conv2dLayer(from: decoder))
        case "batchnorm": return .batchNorm(try BatchNormLayer(from: decoder))
        case "layernorm": return .layerNorm(try LayerNormLayer(from: decoder))
        case "activation": return .activation(try ActivationLayer(from: decoder))
        case "pool2d": return .pool2d(try Pool2dLayer(from: decoder))
        case "global_avg_pool": return .globalAveragePool(GlobalAveragePoolLayer())
        case "flatten": return .flatten(FlattenLayer())
        case "add": return .add(try AddLayer(from: decoder))
        default:
            throw NetworkError.unparsable(
                description: type, part: "type",
                reason:
                    "unknown node type (linear, conv2d, batchnorm, layernorm, activation, pool2d, global_avg_pool, flatten, add)"
            )
        }
    }

    func encode(to encoder: Encoder) throws {
        switch self {
        case .linear(let l): try l.encode(to: encoder)
        case .conv2d(let l): try l.encode(to: encoder)
        case .batchNorm(let l): try l.encode(to: encoder)
        case .layerNorm(let l): try l.encode(to: encoder)
        case .activation(let l): try l.encode(to: encoder)
        case .pool2d(let l): try l.encode(to: encoder)
        case .globalAveragePool, .flatten: break
        case .add(let l): try l.encode(to: encoder)
        }
    }
}

/// A node of a network graph: a named layer applied to the outputs of earlier nodes.
///
/// `name` is the PyTorch module path (`layer1.0.conv1`), so a tensor is `name.weight`; `inputs`
/// names earlier nodes, or ``NetworkNode/networkInput`` for the network's input.
public struct NetworkNode: Hashable, Sendable {
    public static let networkInput = "input"

    public var name: String
    public var layer: LayerKind
    public var inputs: [String]

    public init(_ name: String, _ layer: LayerKind, inputs: [String]) {
        self.name = name
        self.layer = layer
        self.inputs = inputs
    }
}
