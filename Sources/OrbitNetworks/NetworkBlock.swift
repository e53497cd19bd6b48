import OrbitNumerics

/// A fully connected layer x ↦ σ(W·x + b) with W of shape (outputs, inputs), PyTorch's layout.
public struct DenseLayer: Hashable, Sendable {
    public var outputs: Int
    public var bias: Bool
    public var activation: Activation

    public init(outputs: Int, bias: Bool = true, activation: Activation = .identity) {
        self.outputs = outputs
        self.bias = bias
        self.activation = activation
    }
}

/// A block with a skip connection: x ↦ σ(F(x) + ε·x), F a chain of dense layers whose output size
/// equals the input size.
///
/// With ε = 1 and σ = ReLU this is a ResNet-style residual MLP block. With F = W₂·W₁ (no bias,
/// identity activations), σ = identity and a following dense layer W₃ it is the linear-chain skip of
/// Zhao et al. 2025, Prop 4.3: W₃(W₂·W₁·x + ε·x).
public struct ResidualBlock: Hashable, Sendable {
    /// The layers of F; the last one's activation must be identity (σ is applied after the sum).
    public var layers: [DenseLayer]
    /// ε, the weight of the skip path.
    public var skipScale: Double
    /// σ, applied to F(x) + ε·x.
    public var activation: Activation

    public init(layers: [DenseLayer], skipScale: Double = 1, activation: Activation = .identity) {
        self.layers = layers
        self.skipScale = skipScale
        self.activation = activation
    }
}

/// One element of a network's chain.
public enum NetworkBlock: Hashable, Sendable {
    case dense(DenseLayer)
    case residual(ResidualBlock)
}
