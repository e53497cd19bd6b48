import Foundation

/// JSON form of a network description, stored in checkpoints' metadata:
///
///     {"format": "orbit.network/1", "input": 784, "prefix": "layers",
///      "blocks": [{"type": "dense", "outputs": 512, "bias": true, "activation": "relu"},
///                 {"type": "residual", "skip_scale": 1, "activation": "relu", "layers": [ … dense … ]},
///                 {"type": "dense", "outputs": 10, "bias": true, "activation": "identity"}]}
extension Network: Codable {
    static let formatTag = "orbit.network/1"
    static let graphFormatTag = "orbit.network/2"

    private enum Keys: String, CodingKey {
        case format, input, prefix, blocks, type, outputs, bias, activation, layers, nodes
        case skipScale = "skip_scale"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let format = try c.decodeIfPresent(String.self, forKey: .format)
        if format == Self.graphFormatTag {
            self = try GraphDocument(from: decoder).network()
            return
        }
        if let format, format != Self.formatTag {
            throw NetworkError.unparsable(
                description: format, part: "format",
                reason: "unknown network format (expected \(Self.formatTag) or \(Self.graphFormatTag))")
        }
        var blocksContainer = try c.nestedUnkeyedContainer(forKey: .blocks)
        var blocks: [NetworkBlock] = []
        while !blocksContainer.isAtEnd {
            let b = try blocksContainer.nestedContainer(keyedBy: Keys.self)
            switch try b.decode(String.self, forKey: .type) {
            case "dense": blocks.append(.dense(try Self.decodeDense(b)))
            case "residual":
                var inner = try b.nestedUnkeyedContainer(forKey: .layers)
                var layers: [DenseLayer] = []
                while !inner.isAtEnd {
                    layers.append(try Self.decodeDense(try inner.nestedContainer(keyedBy: Keys.self)))
                }
                blocks.append(
                    .residual(
                        ResidualBlock(
                            layers: layers, skipScale: try b.decodeIfPresent(Double.self, forKey: .skipScale) ?? 1,
                            activation: try Activation(
                                name: try b.decodeIfPresent(String.self, forKey: .activation) ?? "identity"))))
            case let other:
                throw NetworkError.unparsable(
                    description: other, part: "type", reason: "block type must be dense or residual")
            }
        }
        try self.init(
            inputSize: try c.decode(Int.self, forKey: .input), blocks: blocks,
            namePrefix: try c.decodeIfPresent(String.self, forKey: .prefix) ?? "layers")
    }

    private static func decodeDense(_ c: KeyedDecodingContainer<Keys>) throws -> DenseLayer {
        DenseLayer(
            outputs: try c.decode(Int.self, forKey: .outputs),
            bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true,
            activation: try Activation(name: try c.decodeIfPresent(String.self, forKey: .activation) ?? "identity"))
    }

    public func encode(to encoder: Encoder) throws {
        guard isDenseChain else {
            try encodeGraph(to: encoder)
            return
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.formatTag, forKey: .format)
        try c.encode(inputSize, forKey: .input)
        try c.encode(namePrefix, forKey: .prefix)
        var blocksContainer = c.nestedUnkeyedContainer(forKey: .blocks)
        for block in blocks {
            var b = blocksContainer.nestedContainer(keyedBy: Keys.self)
            switch block {
            case .dense(let d):
                try b.encode("dense", forKey: .type)
                try Self.encodeDense(d, into: &b)
            case .residual(let r):
                try b.encode("residual", forKey: .type)
                try b.encode(r.skipScale, forKey: .skipScale)
                try b.encode(r.activation.name, forKey: .activation)
                var inner = b.nestedUnkeyedContainer(forKey: .layers)
                for d in r.layers {
                    var l = inner.nestedContainer(keyedBy: Keys.self)
                    try Self.encodeDense(d, into: &l)
                }
            }
        }
    }

    private static func encodeDense(_ d: DenseLayer, into c: inout KeyedEncodingContainer<Keys>) throws {
        try c.encode(d.outputs, forKey: .outputs)
        try c.encode(d.bias, forKey: .bias)
        try c.encode(d.activation.name, forKey: .activation)
    }

    /// The description as compact JSON text (keys sorted, so equal networks give equal text).
    public var jsonDescription: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain integers, strings and finite doubles cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Reads the JSON form; errors name what is wrong.
    public init(json text: String) throws(NetworkError) {
        do {
            self = try JSONDecoder().decode(Network.self, from: Data(text.utf8))
        } catch let error as NetworkError {
            throw error
        } catch {
            throw .unparsable(description: String(text.prefix(80)), part: "JSON", reason: "\(error)")
        }
    }
}
