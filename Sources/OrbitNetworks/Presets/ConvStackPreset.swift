/// `cnn:1x28x28-c16-p-c32s2-gap-10:relu[:bn]` — a plain convolutional stack as a PyTorch
/// `nn.Sequential` named `layers.N` (every module, activations and norms included, takes an index,
/// as in `mlp:`). Tokens after the input shape C×H×W:
///
/// | token | modules |
/// |---|---|
/// | `cN`, `cNs2` | Conv2d(→N, 3×3, pad 1, stride 1 or 2) [· BatchNorm2d with `:bn`, the conv then without bias] · activation |
/// | `p`, `a` | MaxPool2d(2), AvgPool2d(2) |
/// | `gap` | global average pool (AdaptiveAvgPool2d(1) · Flatten, two indices) |
/// | `N` (last) | Flatten if needed · Linear(→N) |
///
/// The activation defaults to relu.
enum ConvStackPreset {
    static func network(sizes: String, options: [String], description: String) throws(NetworkError) -> Network {
        var batchNorm = false
        var activation = Activation.relu
        for o in options {
            if o.lowercased() == "bn" {
                batchNorm = true
            } else {
                activation = try Activation(name: o)
            }
        }
        let tokens = sizes.split(separator: "-", omittingEmptySubsequences: false).map { String($0).lowercased() }
        guard tokens.count >= 2 else {
            throw .unparsable(
                description: description, part: sizes, reason: "expected CxHxW-LAYERS…-CLASSES, e.g. 1x28x28-c16-p-10")
        }
        let input = try PresetOptions.shape(tokens[0], description: description)
        var g = GraphBuilder()
        var index = 0
        var flat = false
        func add(_ layer: LayerKind) {
            g.add("layers.\(index)", layer)
            index += 1
        }
        for (position, token) in tokens.dropFirst().enumerated() {
            let isLast = position == tokens.count - 2
            if token.hasPrefix("c"), !flat {
                var body = token.dropFirst()
                var stride = 1
                if let s = body.firstIndex(of: "s") {
                    guard let value = Int(body[body.index(after: s)...]), value > 0, value <= 16 else {
                        throw .unparsable(
                            description: description, part: token, reason: "expected cN or cNsS, e.g. c32s2")
                    }
                    stride = value
                    body = body[..<s]
                }
                guard let channels = Int(body), channels > 0, channels <= 1 << 16 else {
                    throw .unparsable(description: description, part: token, reason: "expected cN or cNsS, e.g. c32s2")
                }
                add(
                    .conv2d(Conv2dLayer(outChannels: channels, kernel: 3, stride: stride, padding: 1, bias: !batchNorm))
                )
                if batchNorm { add(.batchNorm(BatchNormLayer())) }
                if activation != .identity { add(.activation(ActivationLayer(activation))) }
            } else if token == "p" || token == "a", !flat {
                add(.pool2d(Pool2dLayer(token == "p" ? .max : .average, kernel: 2)))
            } else if token == "gap", !flat {
                add(.globalAveragePool(GlobalAveragePoolLayer()))
                index += 1  // PyTorch spells it AdaptiveAvgPool2d(1) · Flatten: two modules
                flat = true
            } else if isLast, let classes = Int(token), classes > 0, classes <= 1 << 20 {
                if !flat { add(.flatten(FlattenLayer())) }
                add(.linear(LinearLayer(outputs: classes)))
            } else {
                throw .unparsable(
                    description: description, part: token,
                    reason: flat
                        ? "only the class count may follow gap"
                        : "expected cN, cNsS, p, a, gap or (last) a class count")
            }
        }
        guard case .linear = g.nodes.last?.layer else {
            throw .unparsable(description: description, part: sizes, reason: "the last token must be the class count")
        }
        return try Network(inputShape: input, nodes: g.nodes)
    }
}
