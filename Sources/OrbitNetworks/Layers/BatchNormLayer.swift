/// y = γ·(x − μ)/√(σ² + ε) + β per channel — PyTorch's `nn.BatchNorm1d` on `[C]` and
/// `nn.BatchNorm2d` on `[C, H, W]` inputs (`docs/math/layer-graph.md §3`).
///
/// In training mode μ and σ² (biased) are the statistics of the whole minibatch over the batch and
/// spatial axes, and the running statistics move by m·(batch − running) with the unbiased variance;
/// in evaluation mode the running statistics are used. `running_mean` and `running_var` are
/// buffers; a state dict's `num_batches_tracked` is accepted and ignored.
public struct BatchNormLayer: Layer, Codable {
    public var epsilon: Double
    public var momentum: Double

    public init(epsilon: Double = 1e-5, momentum: Double = 0.1) {
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        guard inputs[0].count == 1 || inputs[0].count == 3 else {
            throw LayerShapeError("BatchNorm needs a [C] or C×H×W input, got \(inputs[0].shapeDescription)")
        }
        guard epsilon > 0, epsilon.isFinite, momentum >= 0, momentum <= 1 else {
            throw LayerShapeError("BatchNorm needs ε > 0 and a momentum in [0, 1]")
        }
        return inputs[0]
    }

    public func tensors(for inputs: [[Int]]) -> [LayerTensor] {
        let c = inputs[0][0]
        return [
            LayerTensor("weight", shape: [c], initialization: .constant(1)),
            LayerTensor("bias", shape: [c], initialization: .constant(0)),
            LayerTensor("running_mean", shape: [c], role: .buffer, initialization: .constant(0)),
            LayerTensor("running_var", shape: [c], role: .buffer, initialization: .constant(1)),
        ]
    }

    public func summary(for inputs: [[Int]]) -> String {
        "BatchNorm\(inputs[0].count == 1 ? "1d" : "2d")(\(inputs[0].first ?? 0))"
    }
}
