extension Network {
    /// The graph of a dense chain, named as its PyTorch `nn.Sequential` (see ``Network``): each dense
    /// layer is a Linear node at its module name, followed by an activation node at the next index;
    /// a residual block k is its inner Linear/activation nodes, an Add node `k.add` of the last inner
    /// layer and the block input (scales 1 and ε), and the block's activation `k.activation`.
    static func chainNodes(_ blocks: [NetworkBlock], prefix: String) -> [NetworkNode] {
        var nodes: [NetworkNode] = []
        var current = NetworkNode.networkInput
        func dense(_ d: DenseLayer, name: String, activationName: String) {
            nodes.append(NetworkNode(name, .linear(LinearLayer(outputs: d.outputs, bias: d.bias)), inputs: [current]))
            current = name
            if d.activation != .identity {
                nodes.append(NetworkNode(activationName, .activation(ActivationLayer(d.activation)), inputs: [current]))
                current = activationName
            }
        }
        for (name, block) in zip(moduleNames(blocks, prefix: prefix), blocks) {
            switch block {
            case .dense(let d):
                dense(d, name: name, activationName: Self.nextModuleName(after: name))
            case .residual(let r):
                let blockInput = current
                for (innerName, d) in zip(Self.sequentialNames(prefix: "\(name).layers", r.layers), r.layers) {
                    dense(d, name: innerName, activationName: Self.nextModuleName(after: innerName))
                }
                nodes.append(
                    NetworkNode(
                        "\(name).add", .add(AddLayer(scales: r.skipScale == 1 ? [] : [1, r.skipScale])),
                        inputs: [current, blockInput]))
                current = "\(name).add"
                if r.activation != .identity {
                    nodes.append(
                        NetworkNode("\(name).activation", .activation(ActivationLayer(r.activation)), inputs: [current])
                    )
                    current = "\(name).activation"
                }
            }
        }
        return nodes
    }

    /// `layers.3` → `layers.4`: the Sequential index of the activation module after a layer.
    static func nextModuleName(after name: String) -> String {
        guard let dot = name.lastIndex(of: "."), let i = Int(name[name.index(after: dot)...]) else {
            return name + ".activation"
        }
        return name[..<dot] + ".\(i + 1)"
    }
}
