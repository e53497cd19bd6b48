/// The compact, command-line form of a network description.
///
/// | form | network |
/// |---|---|
/// | `mlp:784-512-512-10:relu` | dense layers with bias, the activation after every hidden layer (default relu); append `:nobias` to drop biases |
/// | `linear:8-8-8-8` | a deep linear chain W_l⋯W₁x, no biases (Zhao et al. 2025 §4) |
/// | `linear-skip:1-1-1-1:eps=0.5` | W₃(W₂·W₁·x + ε·x), the skip of Zhao et al. Prop 4.3 (needs d₂ = d₀) |
/// | `resmlp:784-256x3-10:relu` | dense 784→256, three residual blocks 256→256→256 with skip, dense 256→10 |
///
/// | `cnn:1x28x28-c16-p-c32s2-gap-10:relu[:bn]` | a plain conv stack (see `Presets/ConvStackPreset.swift`) |
/// | `resnet20:w=16[:bn\|ln\|none][:in=1x28x28][:out=10]` | CIFAR ResNet-20 with torchvision names (`Presets/ResNet20Preset.swift`) |
/// | `vgg11:w=0.25[:bn][:in=3x32x32][:out=10]`, `vgg16:…` | VGG with torchvision names (`Presets/VGGPreset.swift`) |
///
/// A description that starts with `{` is read as JSON (see ``Network/jsonDescription``).
extension Network {
    public init(parsing text: String) throws(NetworkError) {
        let trimmed = text.trimmingWhitespace
        if trimmed.hasPrefix("{") {
            self = try Network(json: trimmed)
            return
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let kind = parts[0].lowercased()
        func fail(_ part: String, _ reason: String) -> NetworkError {
            .unparsable(description: text, part: part, reason: reason)
        }
        guard parts.count >= 2 || kind == "resnet20" || kind.hasPrefix("vgg"), parts.count < 2 || !parts[1].isEmpty
        else {
            throw fail(text, "expected KIND:SIZES, e.g. mlp:784-512-10:relu")
        }
        var options = Array(parts.dropFirst(2))

        func sizes(_ s: String) throws(NetworkError) -> [Int] {
            var result: [Int] = []
            for token in s.split(separator: "-", omittingEmptySubsequences: false) {
                guard let n = Int(token), n > 0 else {
                    throw fail(String(token), "layer sizes are positive integers separated by '-'")
                }
                result.append(n)
            }
            guard result.count >= 2 else { throw fail(s, "need an input size and at least one layer") }
            return result
        }

        switch kind {
        case "mlp":
            let dims = try sizes(parts[1])
            var bias = true
            if let i = options.firstIndex(of: "nobias") {
                bias = false
                options.remove(at: i)
            }
            guard options.count <= 1 else {
                throw fail(options.joined(separator: ":"), "mlp takes one activation and optionally 'nobias'")
            }
            let activation =
                try options.first.map { (o: String) throws(NetworkError) in try Activation(name: o) } ?? .relu
            let blocks = (1..<dims.count).map { i in
                NetworkBlock.dense(
                    DenseLayer(outputs: dims[i], bias: bias, activation: i == dims.count - 1 ? .identity : activation))
            }
            try self.init(inputSize: dims[0], blocks: blocks)
        case "linear":
            let dims = try sizes(parts[1])
            guard options.isEmpty else { throw fail(options.joined(separator: ":"), "linear takes no options") }
            try self.init(
                inputSize: dims[0], blocks: dims.dropFirst().map { .dense(DenseLayer(outputs: $0, bias: false)) })
        case "linear-skip":
            let dims = try sizes(parts[1])
            guard dims.count == 4, dims[2] == dims[0] else {
                throw fail(parts[1], "linear-skip needs four sizes d0-d1-d0-d3 (W₃(W₂W₁x + εx) needs W₂W₁ square)")
            }
            var eps = 1.0
            for o in options {
                guard o.hasPrefix("eps="), let e = Double(o.dropFirst(4)), e.isFinite else {
                    throw fail(o, "expected eps=NUMBER")
                }
                eps = e
            }
            let inner = [DenseLayer(outputs: dims[1], bias: false), DenseLayer(outputs: dims[2], bias: false)]
            try self.init(
                inputSize: dims[0],
                blocks: [
                    .residual(ResidualBlock(layers: inner, skipScale: eps)),
                    .dense(DenseLayer(outputs: dims[3], bias: false)),
                ])
        case "resmlp":
            let tokens = parts[1].split(separator: "-").map(String.init)
            guard tokens.count == 3, let input = Int(tokens[0]), let output = Int(tokens[2]), input > 0, output > 0
            else {
                throw fail(parts[1], "resmlp sizes are IN-WIDTHxBLOCKS-OUT, e.g. 784-256x3-10")
            }
            let wb = tokens[1].lowercased().split(separator: "x")
            guard wb.count == 2, let width = Int(wb[0]), let count = Int(wb[1]), width > 0, count >= 0,
                count <= Self.maxBlockCount
            else {
                throw fail(tokens[1], "expected WIDTHxBLOCKS, e.g. 256x3")
            }
            guard options.count <= 1 else { throw fail(options.joined(separator: ":"), "resmlp takes one activation") }
            let activation =
                try options.first.map { (o: String) throws(NetworkError) in try Activation(name: o) } ?? .relu
            let block = ResidualBlock(
                layers: [DenseLayer(outputs: width, activation: activation), DenseLayer(outputs: width)],
                skipScale: 1, activation: activation)
            try self.init(
                inputSize: input,
                blocks: [.dense(DenseLayer(outputs: width, activation: activation))]
                    + Array(repeating: .residual(block), count: count) + [.dense(DenseLayer(outputs: output))])
        case "resnet20":
            self = try ResNet20Preset.network(options: Array(parts.dropFirst()), description: text)
        case "vgg11", "vgg16":
            self = try VGGPreset.network(kind: kind, options: Array(parts.dropFirst()), description: text)
        case "cnn":
            self = try ConvStackPreset.network(sizes: parts[1], options: options, description: text)
        default:
            throw fail(
                parts[0],
                "unknown network kind; use mlp, linear, linear-skip, resmlp, cnn, resnet20, vgg11 or vgg16 (or JSON)")
        }
        // Presets build graphs; keep the text that built them for reports and files.
        if !isDenseChain { preset = trimmed }
    }

    /// The compact form when the network has one (see the table above), else nil.
    public var compactDescription: String? {
        if !isDenseChain {
            // A graph's preset, when it still describes the graph.
            return preset.flatMap { (try? Network(parsing: $0)) == self ? $0 : nil }
        }
        guard namePrefix == "layers" else { return nil }
        let candidates = compactCandidates()
        return candidates.first { (try? Network(parsing: $0)) == self }
    }

    private func compactCandidates() -> [String] {
        let dense = denseLayers
        let dims = ([inputSize] + dense.map(\.outputs)).map(String.init).joined(separator: "-")
        var result = ["linear:\(dims)"]
        if let hidden = dense.first?.activation, dense.count > 1 {
            result.append("mlp:\(dims):\(hidden.name)" + (dense[0].bias ? "" : ":nobias"))
        } else {
            result.append("mlp:\(dims)" + (dense[0].bias ? "" : ":nobias"))
        }
        if case .residual(let r) = blocks.first, blocks.count == 2 {
            result.append("linear-skip:\(dims):eps=\(r.skipScale)")
        }
        if case .dense(let first) = blocks.first, blocks.count >= 2 {
            let count = blocks.count - 2
            result.append("resmlp:\(inputSize)-\(first.outputs)x\(count)-\(outputSize):\(first.activation.name)")
        }
        return result
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
