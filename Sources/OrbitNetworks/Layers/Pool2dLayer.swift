/// Max or average pooling over k×k windows with stride s and zero padding p — PyTorch's
/// `nn.MaxPool2d` and `nn.AvgPool2d` (count_include_pad = True, ceil_mode = False). Output size
/// ⌊(H + 2p − k)/s⌋ + 1 per axis (`docs/math/layer-graph.md §2`).
public struct Pool2dLayer: Layer, Codable {
    public enum Reduction: String, Hashable, Sendable, Codable {
        case max
        case average
    }

    public var reduction: Reduction
    public var kernel: Int
    public var stride: Int
    public var padding: Int

    public init(_ reduction: Reduction, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.reduction = reduction
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        let x = inputs[0]
        guard x.count == 3 else {
            throw LayerShapeError("\(name) needs a C×H×W input, got \(x.shapeDescription)")
        }
        guard kernel > 0, stride > 0, padding >= 0, 2 * padding <= kernel else {
            throw LayerShapeError("\(name) needs kernel, stride > 0 and padding at most half the kernel")
        }
        guard kernel <= x[1] + 2 * padding, kernel <= x[2] + 2 * padding else {
            throw LayerShapeError(
                "a \(kernel)×\(kernel) window is larger than its \(x.shapeDescription) input")
        }
        return [x[0], (x[1] + 2 * padding - kernel) / stride + 1, (x[2] + 2 * padding - kernel) / stride + 1]
    }

    var name: String { reduction == .max ? "MaxPool2d" : "AvgPool2d" }

    public func summary(for inputs: [[Int]]) -> String {
        "\(name)(\(kernel)\(stride == kernel ? "" : ", stride \(stride)")\(padding == 0 ? "" : ", pad \(padding)"))"
    }
}
