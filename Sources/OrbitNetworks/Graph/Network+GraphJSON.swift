import Foundation

/// The JSON graph form of a network, stored in model files' metadata for every network that is not a
/// dense chain (dense chains keep `orbit.network/1`, see `Network+JSON.swift`):
///
///     {"format": "orbit.network/2", "input": [1, 28, 28],
///      "preset": "resnet20:w=16",   (optional: the preset it was built from, for reports)
///      "nodes": [{"name": "conv1", "type": "conv2d", "inputs": ["input"], "outChannels": 16,
///                 "kernel": [3, 3], "stride": [1, 1], "padding": [1, 1], "bias": false},
///                {"name": "bn1", "type": "batchnorm", "epsilon": 1e-05, "momentum": 0.1}, …]}
///
/// A node without `inputs` reads the node before it (the first node reads the input). Types:
/// linear, conv2d, batchnorm, layernorm, activation, pool2d, global_avg_pool, flatten, add.
extension Network {
    private enum GraphKeys: String, CodingKey {
        case format, input, nodes, name, type, inputs, preset
    }

    func encodeGraph(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: GraphKeys.self)
        try c.encode(Self.graphFormatTag, forKey: .format)
        try c.encode(inputShape, forKey: .input)
        try c.encodeIfPresent(preset, forKey: .preset)
        var list = c.nestedUnkeyedContainer(forKey: .nodes)
        for node in nodes {
            try list.encode(EncodedNode(node: node))
        }
    }

    private struct EncodedNode: Encodable {
        let node: NetworkNode
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: GraphKeys.self)
            try c.encode(node.name, forKey: .name)
            try c.encode(node.layer.typeName, forKey: .type)
            try c.encode(node.inputs, forKey: .inputs)
            try node.layer.encode(to: encoder)
        }
    }

    struct DecodedNode: Decodable {
        let name: String
        let type: String
        let inputs: [String]?
        let layer: LayerKind

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: GraphKeys.self)
            name = try c.decode(String.self, forKey: .name)
            type = try c.decode(String.self, forKey: .type)
            inputs = try c.decodeIfPresent([String].self, forKey: .inputs)
            layer = try LayerKind.decode(type: type, from: decoder)
        }
    }

    struct GraphDocument: Decodable {
        let input: [Int]
        let nodes: [DecodedNode]
        let preset: String?

        func network() throws(NetworkError) -> Network {
            var resolved: [NetworkNode] = []
            for (k, node) in nodes.enumerated() {
                let inputs = node.inputs ?? [k == 0 ? NetworkNode.networkInput : nodes[k - 1].name]
                resolved.append(NetworkNode(node.name, node.layer, inputs: inputs))
            }
            return try Network(inputShape: input, nodes: resolved, preset: preset)
        }
    }
}
