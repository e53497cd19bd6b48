import OrbitNumerics

/// Whether a tensor of θ is trained (a parameter) or carried along (a buffer, such as BatchNorm's
/// running statistics). Paths, centres, merges and optimisers act on parameters; buffers follow the
/// BatchNorm rules of `docs/math/layer-graph.md §3`.
public enum TensorRole: String, Hashable, Sendable, Codable {
    case parameter
    case buffer
}

/// How a tensor is drawn or set before training (see ``Network/initialParameters(_:seed:as:)``).
public enum TensorInitialization: Hashable, Sendable {
    /// A weight with the given fan-in and fan-out (PyTorch's Kaiming-uniform default and the
    /// other ``Initialization`` schemes use them).
    case weight(fanIn: Int, fanOut: Int)
    /// A bias of a layer with the given fan-in: U(±1/√fanIn) under PyTorch's default, else 0.
    case bias(fanIn: Int)
    /// Every element equal to a constant (BatchNorm's γ = 1, β = 0, running mean 0, variance 1).
    case constant(Double)
}

/// A tensor a layer needs: its name inside the node (`weight`, `running_mean`), shape and role.
public struct LayerTensor: Hashable, Sendable {
    public var name: String
    public var shape: [Int]
    public var role: TensorRole
    public var initialization: TensorInitialization

    public init(_ name: String, shape: [Int], role: TensorRole = .parameter, initialization: TensorInitialization) {
        self.name = name
        self.shape = shape
        self.role = role
        self.initialization = initialization
    }
}

/// Why a layer cannot take the shapes it is given; ``NetworkPlan`` adds the node's name.
public struct LayerShapeError: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// One kind of node of a network graph: what it computes from its inputs' shapes, which tensors it
/// needs, and the operator that runs it. One conformance per file under `Layers/`; adding a kind is
/// one file here, one in `Operators/` and one case in ``LayerKind``.
///
/// Shapes are per sample, without the batch axis: `[C, H, W]` for images (a sample's row is the
/// tensor in C-major order, PyTorch's NCHW), `[F]` for feature vectors.
public protocol Layer: Hashable, Sendable {
    /// The number of inputs the layer takes (`nil`: two or more, as for Add).
    var arity: Int? { get }
    /// The output shape for these input shapes, or why they do not fit.
    func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int]
    /// The tensors of θ the layer owns, for these input shapes (in PyTorch's state-dict order).
    func tensors(for inputs: [[Int]]) -> [LayerTensor]
    /// A one-line description for `orbit inspect`, e.g. `Conv2d(16→32, 3×3, stride 2, pad 1)`.
    func summary(for inputs: [[Int]]) -> String
}

extension Layer {
    public var arity: Int? { 1 }
    public func tensors(for inputs: [[Int]]) -> [LayerTensor] { [] }
}

extension Array where Element == Int {
    /// `1×28×28`.
    public var shapeDescription: String { isEmpty ? "scalar" : map(String.init).joined(separator: "×") }
}
