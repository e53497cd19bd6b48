/// y = γ ⊙ (x − μ)/√(σ² + ε) + β with μ, σ² (biased) over all of a sample's features and γ, β of
/// the sample's shape — PyTorch's `nn.LayerNorm(normalized_shape = the input shape)`
/// (`docs/math/layer-graph.md §3`).
public struct LayerNormLayer: Layer, Codable {
    public var epsilon: Double

    public init(epsilon: Double = 1e-5) { self.epsilon = epsilon }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        guard epsilon > 0, epsilon.isFinite else { throw LayerShapeError("LayerNorm needs ε > 0") }
        return inputs[0]
    }

    public func tensors(for inputs: [[Int]]) -> [LayerTensor] {
        [
            LayerTensor("weight", shape: inputs[0], initialization: .constant(1)),
            LayerTensor("bias", shape: inputs[0], initialization: .constant(0)),
        ]
    }

    public func summary(for inputs: [[Int]]) -> String { "LayerNorm(\(inputs[0].shapeDescription))" }
}
