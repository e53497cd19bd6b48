/// y[o] = b[o] + Σ_c W[o, c] ⋆ x[c], a 2-d cross-correlation with stride s and zero padding p —
/// PyTorch's `nn.Conv2d` (groups = 1, dilation = 1). Output size ⌊(H + 2p − k)/s⌋ + 1 per axis
/// (`docs/math/layer-graph.md §2`).
public struct Conv2dLayer: Layer, Codable {
    public var outChannels: Int
    public var kernel: [Int]
    public var stride: [Int]
    public var padding: [Int]
    public var bias: Bool

    public init(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true) {
        self.init(
            outChannels: outChannels, kernel: [kernel, kernel], stride: [stride, stride],
            padding: [padding, padding], bias: bias)
    }

    public init(outChannels: Int, kernel: [Int], stride: [Int], padding: [Int], bias: Bool) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.bias = bias
    }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        let x = inputs[0]
        guard x.count == 3 else {
            throw LayerShapeError("Conv2d needs a C×H×W input, got \(x.shapeDescription)")
        }
        guard outChannels > 0, kernel.count == 2, stride.count == 2, padding.count == 2,
            kernel.allSatisfy({ $0 > 0 }), stride.allSatisfy({ $0 > 0 }), padding.allSatisfy({ $0 >= 0 })
        else {
            throw LayerShapeError(
                "Conv2d needs positive channels, kernel and stride and non-negative padding (2 values each)")
        }
        var out = [outChannels]
        for axis in 0..<2 {
            let padded = x[axis + 1] + 2 * padding[axis]
            guard kernel[axis] <= padded else {
                throw LayerShapeError(
                    "a \(kernel.shapeDescription) kernel is larger than its \(x.shapeDescription) input "
                        + "(padding \(padding[axis]))")
            }
            out.append((padded - kernel[axis]) / stride[axis] + 1)
        }
        return out
    }

    public func tensors(for inputs: [[Int]]) -> [LayerTensor] {
        let c = inputs[0][0]
        let fanIn = c * kernel[0] * kernel[1]
        let fanOut = outChannels * kernel[0] * kernel[1]
        return [
            LayerTensor(
                "weight", shape: [outChannels, c, kernel[0], kernel[1]],
                initialization: .weight(fanIn: fanIn, fanOut: fanOut))
        ] + (bias ? [LayerTensor("bias", shape: [outChannels], initialization: .bias(fanIn: fanIn))] : [])
    }

    public func summary(for inputs: [[Int]]) -> String {
        var s = "Conv2d(\(inputs[0].first ?? 0)→\(outChannels), \(kernel.shapeDescription)"
        if stride != [1, 1] { s += ", stride \(stride[0] == stride[1] ? "\(stride[0])" : stride.shapeDescription)" }
        if padding != [0, 0] {
            s += ", pad \(padding[0] == padding[1] ? "\(padding[0])" : padding.shapeDescription)"
        }
        return s + (bias ? ")" : ", no bias)")
    }
}
