/// `resnet20:w=W[:bn|ln|none][:in=CxHxW][:out=K]` — the CIFAR ResNet-20 of He et al. 2016 §4.2 with
/// width W (16 in the paper) and torchvision's module names, so a PyTorch state dict loads as is:
///
///     conv1 (3×3, C→W, pad 1) · bn1 · relu
///     layer1.{0,1,2}, layer2.{0,1,2}, layer3.{0,1,2}: BasicBlocks of W, 2W, 4W channels; the first
///       block of layer2 and layer3 has stride 2 and a projection shortcut downsample.0 (1×1 conv,
///       stride 2) · downsample.1 (norm)
///       block: conv1 (3×3, stride s, pad 1) · bn1 · relu · conv2 (3×3, pad 1) · bn2 · + shortcut · relu
///     global average pool · fc (4W → K)
///
/// `bn` (the default) uses BatchNorm2d; `ln` LayerNorm over each whole C×H×W activation (same names);
/// `none` no normalisation, with biases on the convolutions. Defaults: in=1x28x28 (Fashion-MNIST),
/// out=10.
enum ResNet20Preset {
    enum Norm: String { case bn, ln, none }

    static func network(options: [String], description: String) throws(NetworkError) -> Network {
        let o = try PresetOptions(
            options, description: description, allowed: ["w", "in", "out"], flags: ["bn", "ln", "none"])
        guard o.flags.count <= 1 else {
            throw .unparsable(
                description: description, part: o.flags.sorted().joined(separator: ":"),
                reason: "choose one of bn, ln, none")
        }
        let norm = o.flags.first.flatMap(Norm.init(rawValue:)) ?? .bn
        let width = try o.positiveInt("w", default: 16, description: description)
        let input = try o.inputShape(default: [1, 28, 28], description: description)
        let classes = try o.positiveInt("out", default: 10, description: description)
        return try network(width: width, norm: norm, inputShape: input, classes: classes)
    }

    static func network(width w: Int, norm: Norm, inputShape: [Int], classes: Int) throws(NetworkError) -> Network {
        var g = GraphBuilder()
        func normLayer() -> LayerKind? {
            switch norm {
            case .bn: return .batchNorm(BatchNormLayer())
            case .ln: return .layerNorm(LayerNormLayer())
            case .none: return nil
            }
        }
        let convBias = norm == .none
        func conv(_ name: String, _ channels: Int, kernel: Int, stride: Int, input: String? = nil) {
            g.add(
                name,
                .conv2d(
                    Conv2dLayer(
                        outChannels: channels, kernel: kernel, stride: stride, padding: kernel / 2, bias: convBias)),
                inputs: input.map { [$0] })
        }
        conv("conv1", w, kernel: 3, stride: 1)
        if let n = normLayer() { g.add("bn1", n) }
        g.add("relu", .activation(ActivationLayer(.relu)))
        var channels = w
        for (stage, stageWidth) in [w, 2 * w, 4 * w].enumerated() {
            for block in 0..<3 {
                let p = "layer\(stage + 1).\(block)"
                let stride = stage > 0 && block == 0 ? 2 : 1
                let blockInput = g.current
                conv("\(p).conv1", stageWidth, kernel: 3, stride: stride)
                if let n = normLayer() { g.add("\(p).bn1", n) }
                g.add("\(p).relu1", .activation(ActivationLayer(.relu)))
                conv("\(p).conv2", stageWidth, kernel: 3, stride: 1)
                if let n = normLayer() { g.add("\(p).bn2", n) }
                let branch = g.current
                var shortcut = blockInput
                if stride != 1 || stageWidth != channels {
                    conv("\(p).downsample.0", stageWidth, kernel: 1, stride: stride, input: blockInput)
                    if let n = normLayer() { g.add("\(p).downsample.1", n) }
                    shortcut = g.current
                }
                g.add("\(p).add", .add(AddLayer()), inputs: [branch, shortcut])
                g.add("\(p).relu2", .activation(ActivationLayer(.relu)))
                channels = stageWidth
            }
        }
        g.add("avgpool", .globalAveragePool(GlobalAveragePoolLayer()))
        g.add("fc", .linear(LinearLayer(outputs: classes)))
        return try Network(inputShape: inputShape, nodes: g.nodes)
    }
}
