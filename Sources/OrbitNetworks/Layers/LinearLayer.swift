/// y = W·x + b, W of shape (outputs, inputs) — PyTorch's `nn.Linear` on a feature vector.
///
/// The input must be flat (`[F]`); put a ``FlattenLayer`` after a convolution stack.
public struct LinearLayer: Layer, Codable {
    public var outputs: Int
    public var bias: Bool

    public init(outputs: Int, bias: Bool = true) {
        self.outputs = outputs
        self.bias = bias
    }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        guard inputs[0].count == 1 else {
            throw LayerShapeError("Linear needs a flat input, got \(inputs[0].shapeDescription) (add a Flatten)")
        }
        guard outputs > 0 else { throw LayerShapeError("Linear has \(outputs) outputs") }
        return [outputs]
    }

    public func tensors(for inputs: [[Int]]) -> [LayerTensor] {
        let n = inputs[0][0]
        return [LayerTensor("weight", shape: [outputs, n], initialization: .weight(fanIn: n, fanOut: outputs))]
            + (bias ? [LayerTensor("bias", shape: [outputs], initialization: .bias(fanIn: n))] : [])
    }

    public func summary(for inputs: [[Int]]) -> String {
        "Linear(\(inputs[0].first ?? 0)→\(outputs)\(bias ? "" : ", no bias"))"
    }
}
