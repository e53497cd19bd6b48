/// C×H×W → [C·H·W] (PyTorch's `nn.Flatten`): no arithmetic, since a sample's row already is its
/// tensor in C-major order; the node only changes the shape the next layer sees.
public struct FlattenLayer: Layer, Codable {
    public init() {}

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        [inputs[0].reduce(1, *)]
    }

    public func summary(for inputs: [[Int]]) -> String { "Flatten" }
}
