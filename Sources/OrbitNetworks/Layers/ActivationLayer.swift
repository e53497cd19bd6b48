/// a = σ(x) elementwise (``Activation``: PyTorch's ReLU, LeakyReLU, Tanh, Sigmoid, GELU modules).
public struct ActivationLayer: Layer, Codable {
    public var activation: Activation

    public init(_ activation: Activation) { self.activation = activation }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] { inputs[0] }
    public func summary(for inputs: [[Int]]) -> String { activation.name }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        activation = try Activation(name: try c.decode(String.self, forKey: .activation))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(activation.name, forKey: .activation)
    }

    private enum Keys: String, CodingKey { case activation }
}
