import OrbitNumerics

/// An elementwise activation σ applied after a dense layer's affine map.
///
/// Names follow PyTorch's modules: `identity`, `relu`, `leaky_relu(0.1)`, `tanh`, `sigmoid`, `gelu`
/// (the exact erf form, PyTorch's default `GELU()`).
public enum Activation: Hashable, Sendable {
    case identity
    case relu
    case leakyReLU(slope: Double)
    case tanh
    case sigmoid
    case gelu

    /// The name used in compact descriptions and JSON, e.g. `leaky_relu(0.1)`.
    public var name: String {
        switch self {
        case .identity: return "identity"
        case .relu: return "relu"
        case .leakyReLU(let slope): return "leaky_relu(\(slope))"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .gelu: return "gelu"
        }
    }

    /// Parses a name as written by ``name`` (`leaky_relu` alone means slope 0.01, PyTorch's default).
    public init(name: String) throws(NetworkError) {
        let n = name.lowercased()
        switch n {
        case "identity", "linear", "none": self = .identity
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyReLU(slope: 0.01)
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "gelu": self = .gelu
        default:
            if n.hasPrefix("leaky_relu(") && n.hasSuffix(")"),
                let slope = Double(n.dropFirst("leaky_relu(".count).dropLast()), slope.isFinite
            {
                self = .leakyReLU(slope: slope)
            } else {
                throw .unparsable(
                    description: name, part: name,
                    reason: "unknown activation; use identity, relu, leaky_relu(SLOPE), tanh, sigmoid or gelu")
            }
        }
    }

    /// k with σ(c·z) = c^k·σ(z) for every c > 0, when σ is positively homogeneous (the rescaling
    /// symmetry of Zhao et al. 2025 §5.2 needs it); nil otherwise.
    public var homogeneityDegree: Int? {
        switch self {
        case .identity, .relu, .leakyReLU: return 1
        case .tanh, .sigmoid, .gelu: return nil
        }
    }

    /// σ(z) for one value (reference implementation; the batched kernels are in ``ActivationKernels``).
    @inlinable
    public func callAsFunction<T: BLASScalar>(_ z: T) -> T {
        switch self {
        case .identity: return z
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let slope): return z > 0 ? z : T(slope) * z
        case .tanh: return T.tanh(z)
        case .sigmoid: return 1 / (1 + T.exp(-z))
        case .gelu: return z * (1 + T.erf(z / T.sqrt(2))) / 2
        }
    }

    /// σ′(z) for one value.
    @inlinable
    public func derivative<T: BLASScalar>(_ z: T) -> T {
        switch self {
        case .identity: return 1
        case .relu: return z > 0 ? 1 : 0
        case .leakyReLU(let slope): return z > 0 ? 1 : T(slope)
        case .tanh:
            let t = T.tanh(z)
            return 1 - t * t
        case .sigmoid:
            let s = 1 / (1 + T.exp(-z))
            return s * (1 - s)
        case .gelu:
            // d/dz [z·Φ(z)] = Φ(z) + z·φ(z).
            let phi = T.exp(-z * z / 2) / T.sqrt(2 * T.pi)
            return (1 + T.erf(z / T.sqrt(2))) / 2 + z * phi
        }
    }
}
