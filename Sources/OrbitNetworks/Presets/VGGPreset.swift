/// `vgg11:w=F[:bn|:ln][:in=CxHxW][:out=K]` and `vgg16:…` — Simonyan & Zisserman's configurations A and
/// D with torchvision's `features.N` numbering (Conv2d 3×3 pad 1, [norm], ReLU; MaxPool2d(2) at each
/// M; the norm is BatchNorm2d with `bn`, with `ln` a LayerNorm over each sample's whole C×H×W
/// activation as in Git Re-Basin's VGG16-LN, and absent by default), channel counts scaled by F (w=0.25: 16, M, 32, M, …), then Flatten and a CIFAR-style
/// classifier `classifier.0` Linear(flat → 512F) · ReLU · `classifier.2` Linear(512F → 512F) · ReLU ·
/// `classifier.4` Linear(512F → K). Five poolings need inputs of at least 32×32; default
/// in=3x32x32, out=10.
enum VGGPreset {
    static let configurations: [String: [Int?]] = [
        "vgg11": [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil],
        "vgg16": [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil],
    ]

    static func network(kind: String, options: [String], description: String) throws(NetworkError) -> Network {
        let o = try PresetOptions(options, description: description, allowed: ["w", "in", "out"], flags: ["bn", "ln"])
        guard o.flags.count <= 1 else {
            throw .unparsable(description: description, part: "bn:ln", reason: "choose one of bn, ln")
        }
        var factor = 1.0
        if let text = o.values["w"] {
            guard let f = Double(text), f > 0, f <= 64 else {
                throw .unparsable(
                    description: description, part: "w=\(text)", reason: "expected a width factor, e.g. w=0.25")
            }
            factor = f
        }
        let input = try o.inputShape(default: [3, 32, 32], description: description)
        let classes = try o.positiveInt("out", default: 10, description: description)
        func scaled(_ c: Int) -> Int { Swift.max(1, Int((Double(c) * factor).rounded())) }
        var g = GraphBuilder()
        var index = 0
        for entry in configurations[kind]! {
            if let channels = entry {
                g.add(
                    "features.\(index)", .conv2d(Conv2dLayer(outChannels: scaled(channels), kernel: 3, padding: 1)))
                index += 1
                if o.flags.contains("bn") {
                    g.add("features.\(index)", .batchNorm(BatchNormLayer()))
                    index += 1
                } else if o.flags.contains("ln") {
                    g.add("features.\(index)", .layerNorm(LayerNormLayer()))
                    index += 1
                }
                g.add("features.\(index)", .activation(ActivationLayer(.relu)))
            } else {
                g.add("features.\(index)", .pool2d(Pool2dLayer(.max, kernel: 2)))
            }
            index += 1
        }
        g.add("flatten", .flatten(FlattenLayer()))
        let hidden = scaled(512)
        g.add("classifier.0", .linear(LinearLayer(outputs: hidden)))
        g.add("classifier.1", .activation(ActivationLayer(.relu)))
        g.add("classifier.2", .linear(LinearLayer(outputs: hidden)))
        g.add("classifier.3", .activation(ActivationLayer(.relu)))
        g.add("classifier.4", .linear(LinearLayer(outputs: classes)))
        return try Network(inputShape: input, nodes: g.nodes)
    }
}
