/// A description of the function f(x; θ): an input shape and a graph of typed layers
/// (``NetworkNode``), resolved once into a ``NetworkPlan``. It holds no weights — parameters live in
/// a ``ParameterVector`` laid out by ``layout``.
///
/// Dense chains keep their chain form (``blocks``), from which the graph is built: parameter names
/// follow a PyTorch `nn.Sequential` whose activations are modules of their own:
/// `mlp:784-512-10:relu` is `Sequential(Linear(784,512), ReLU(), Linear(512,10))` and names its
/// tensors `layers.0.weight`, `layers.0.bias`, `layers.2.weight`, `layers.2.bias`; a residual block at
/// index k names its inner layers `layers.k.layers.j.weight`. Weights are (out, in), as in PyTorch.
/// Convolutional, normalised and residual networks (`resnet20:…`, `vgg16:…`, `cnn:…`, the JSON
/// graph form) have no chain form: ``blocks`` is empty and ``isDenseChain`` false.
public struct Network: Hashable, Sendable {
    /// The shape of one sample (`[784]`, `[1, 28, 28]`).
    public let inputShape: [Int]
    /// The graph, in topological order; the last node is the output.
    public let nodes: [NetworkNode]
    /// The chain form of a dense chain (empty for other graphs).
    public let blocks: [NetworkBlock]
    /// The prefix of every parameter name of a chain (`layers` by default).
    public let namePrefix: String
    /// Shapes, layout and steps, resolved once.
    public let plan: NetworkPlan
    /// The preset a graph network was built from (`resnet20:w=16`), kept for reports and files;
    /// not part of the network's identity.
    public internal(set) var preset: String?

    /// A dense chain of `blocks` on inputs of `inputSize` features.
    public init(inputSize: Int, blocks: [NetworkBlock], namePrefix: String = "layers") throws(NetworkError) {
        self.blocks = blocks
        self.namePrefix = namePrefix
        inputShape = [inputSize]
        guard inputSize > 0 else { throw .invalid(reason: "input size must be positive, got \(inputSize)") }
        try Self.validateChain(inputSize: inputSize, blocks: blocks)
        nodes = Self.chainNodes(blocks, prefix: namePrefix)
        plan = try NetworkPlan(inputShape: inputShape, nodes: nodes)
    }

    /// A graph network: `nodes` in topological order on samples of `inputShape`. Errors name the node
    /// and the shapes that do not fit.
    public init(inputShape: [Int], nodes: [NetworkNode], preset: String? = nil) throws(NetworkError) {
        self.inputShape = inputShape
        self.nodes = nodes
        blocks = []
        namePrefix = ""
        plan = try NetworkPlan(inputShape: inputShape, nodes: nodes)
        self.preset = preset
    }

    public static func == (a: Network, b: Network) -> Bool {
        a.inputShape == b.inputShape && a.nodes == b.nodes && a.blocks == b.blocks && a.namePrefix == b.namePrefix
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(inputShape)
        hasher.combine(nodes)
    }

    /// Whether the network is a chain of dense layers and residual MLP blocks (the form the
    /// symmetry, alignment and curvature algorithms written for MLPs take).
    public var isDenseChain: Bool { !blocks.isEmpty }

    /// The number of features of one sample, Π ``inputShape``.
    public var inputSize: Int { inputShape.reduce(1, *) }

    /// The size of f's output.
    public var outputSize: Int { plan.outputShape.reduce(1, *) }

    /// Every dense layer of a chain in evaluation order (inner layers of residual blocks included).
    public var denseLayers: [DenseLayer] {
        blocks.flatMap { block -> [DenseLayer] in
            switch block {
            case .dense(let d): return [d]
            case .residual(let r): return r.layers
            }
        }
    }

    /// The number of scalar parameters (buffers excluded).
    public var parameterCount: Int { layout.parameterCount }

    /// The named tensors of θ: parameters in node order, then buffers (see ``NetworkPlan/layout``).
    public var layout: ParameterLayout { plan.layout }

    /// The first node that is not a dense layer, an activation or an Add of a chain, for messages
    /// of commands that support dense chains only.
    public var firstNonDenseNode: NetworkNode? {
        nodes.first {
            switch $0.layer {
            case .linear, .activation, .add: return false
            default: return true
            }
        }
    }

    /// Throws, in one line naming the first node of another kind, unless the network is a dense chain.
    public func requireDenseChain(for purpose: String) throws(NetworkError) {
        guard !isDenseChain else { return }
        let node = firstNonDenseNode ?? nodes[0]
        throw .unsupported(
            reason: "\(purpose) supports dense networks (mlp, linear, resmlp) only; node '\(node.name)' is "
                + node.layer.layer.summary(for: plan.inputShapes(of: nodes.firstIndex(of: node)!)))
    }

    static func validateChain(inputSize: Int, blocks: [NetworkBlock]) throws(NetworkError) {
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

    /// The module name of each block, counting activation modules as PyTorch's Sequential does.
    var moduleNames: [String] { Self.moduleNames(blocks, prefix: namePrefix) }

    static func moduleNames(_ blocks: [NetworkBlock], prefix namePrefix: String) -> [String] {
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
