import OrbitNumerics

/// A fully connected layer x ↦ σ(W·x + b) with W of shape (outputs, inputs), PyTorch's layout.
public struct DenseLayer: Hashable, Sendable {
    public var outputs: Int
    public var bias: Bool
    public var activation: Activation

    public init(outputs: Int, bias: Bool = true, activation: Activation = .identity) {
        self.outputs = outputs
        self.bias = bias
        self.activation = activation
    }
}

/// A block with a skip connection: x ↦ σ(F(x) + ε·x), F a chain of dense layers whose output size
/// equals the input size.
///
/// With ε = 1 and σ = ReLU this is a ResNet-style residual MLP block. With F = W₂·W₁ (no bias,
/// identity activations), σ = identity and a following dense layer W₃ it is the linear-chain skip of
/// Zhao et al. 2025, Prop 4.3: W₃(W₂·W₁·x + ε·x).
public struct ResidualBlock: Hashable, Sendable {
    /// The layers of F; the last one's activation must be identity (σ is applied after the sum).
    public var layers: [DenseLayer]
    /// ε, the weight of the skip path.
    public var skipScale: Double
    /// σ, applied to F(x) + ε·x.
    public var activation: Activation

    public init(layers: [DenseLayer], skipScale: Double = 1, activation: Activation = .identity) {
        self.layers = layers
        self.skipScale = skipScale
        self.activation = activation
    }
}

/// One element of a network's chain.
public enum NetworkBlock: Hashable, Sendable {
    case dense(DenseLayer)
    case residual(ResidualBlock)
}

/// A description of the function f(x; θ): a chain of dense layers and skip blocks. It holds no
/// weights — parameters live in a ``ParameterVector`` laid out by ``layout``.
///
/// Parameter names follow a PyTorch `nn.Sequential` whose activations are modules of their own:
/// `mlp:784-512-10:relu` is `Sequential(Linear(784,512), ReLU(), Linear(512,10))` and names its
/// tensors `layers.0.weight`, `layers.0.bias`, `layers.2.weight`, `layers.2.bias`; a residual block at
/// index k names its inner layers `layers.k.layers.j.weight`. Weights are (out, in), as in PyTorch.
public struct Network: Hashable, Sendable {
    public var inputSize: Int
    public var blocks: [NetworkBlock]
    /// The prefix of every parameter name (`layers` by default).
    public var namePrefix: String

    public init(inputSize: Int, blocks: [NetworkBlock], namePrefix: String = "layers") throws(NetworkError) {
        self.inputSize = inputSize
        self.blocks = blocks
        self.namePrefix = namePrefix
        try validate()
    }

    /// The size of f's output.
    public var outputSize: Int {
        var size = inputSize
        for block in blocks {
            if case .dense(let d) = block { size = d.outputs }
        }
        return size
    }

    /// Every dense layer in evaluation order (inner layers of residual blocks included).
    public var denseLayers: [DenseLayer] {
        blocks.flatMap { block -> [DenseLayer] in
            switch block {
            case .dense(let d): return [d]
            case .residual(let r): return r.layers
            }
        }
    }

    /// The number of scalar parameters.
    public var parameterCount: Int { layout.totalCount }

    func validate() throws(NetworkError) {
        guard inputSize > 0 else { throw .invalid(reason: "input size must be positive, got \(inputSize)") }
        guard !blocks.isEmpty else { throw .invalid(reason: "a network needs at least one layer") }
        var size = inputSize
        for (index, block) in blocks.enumerated() {
            switch block {
            case .dense(let d):
                guard d.outputs > 0 else { throw .invalid(reason: "layer \(index) has \(d.outputs) outputs") }
                size = d.outputs
            case .residual(let r):
                guard !r.layers.isEmpty else { throw .invalid(reason: "residual block \(index) has no layers") }
                guard r.skipScale.isFinite else {
                    throw .invalid(reason: "residual block \(index) has a non-finite skip scale")
                }
                var inner = size
                for d in r.layers {
                    guard d.outputs > 0 else {
                        throw .invalid(reason: "residual block \(index) has a layer with \(d.outputs) outputs")
                    }
                    inner = d.outputs
                }
                guard inner == size else {
                    throw .invalid(
                        reason: "residual block \(index) maps \(size) features to \(inner); a skip needs equal sizes")
                }
                guard r.layers.last!.activation == .identity else {
                    throw .invalid(
                        reason:
                            "residual block \(index): the last inner layer's activation must be identity (the block's activation follows the sum)"
                    )
                }
            }
        }
    }

    /// The named tensors of θ in order (weights then bias for each dense layer).
    public var layout: ParameterLayout {
        var tensors: [(String, [Int])] = []
        var size = inputSize
        func add(_ d: DenseLayer, _ name: String, inputs: Int) {
            tensors.append(("\(name).weight", [d.outputs, inputs]))
            if d.bias { tensors.append(("\(name).bias", [d.outputs])) }
        }
        for (name, block) in zip(moduleNames, blocks) {
            switch block {
            case .dense(let d):
                add(d, name, inputs: size)
                size = d.outputs
            case .residual(let r):
                var inner = size
                for (innerName, d) in zip(Self.sequentialNames(prefix: "\(name).layers", r.layers), r.layers) {
                    add(d, innerName, inputs: inner)
                    inner = d.outputs
                }
            }
        }
        return ParameterLayout(tensors)
    }

    /// The module name of each block, counting activation modules as PyTorch's Sequential does.
    var moduleNames: [String] {
        var names: [String] = []
        var index = 0
        for block in blocks {
            names.append("\(namePrefix).\(index)")
            index += 1
            if case .dense(let d) = block, d.activation != .identity { index += 1 }
        }
        return names
    }

    static func sequentialNames(prefix: String, _ layers: [DenseLayer]) -> [String] {
        var names: [String] = []
        var index = 0
        for d in layers {
            names.append("\(prefix).\(index)")
            index += 1 + (d.activation == .identity ? 0 : 1)
        }
        return names
    }
}
