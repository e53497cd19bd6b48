/// C×H×W → [C], the mean over each channel's positions: PyTorch's `AdaptiveAvgPool2d(1)` followed
/// by `flatten(1)` (the head of ResNets).
public struct GlobalAveragePoolLayer: Layer, Codable {
    public init() {}

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        guard inputs[0].count == 3 else {
            throw LayerShapeError("global average pooling needs a C×H×W input, got \(inputs[0].shapeDescription)")
        }
        return [inputs[0][0]]
    }

    public func summary(for inputs: [[Int]]) -> String { "GlobalAvgPool" }
}
