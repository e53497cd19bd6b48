/// A network graph resolved once: every node's input and output shapes, the tensors of θ (the
/// parameter layout, parameters first and buffers after them) and the execution steps (a Linear
/// node fused with the Add and activation that alone consume it, as the dense kernels run them).
///
/// Every consumer that needs the structure of a network — the workspace, initialisation, bounds,
/// `orbit inspect` — reads this plan instead of walking the description. Building it is
/// O(nodes + tensors).
public final class NetworkPlan: Sendable {
    /// The shape of a sample at the network input.
    public let inputShape: [Int]
    public let nodes: [NetworkNode]
    /// The node indices each node reads (−1: the network input).
    public let inputIndices: [[Int]]
    /// The output shape of each node.
    public let outputShapes: [[Int]]
    /// The tensors each node owns, as placed in ``layout``.
    public let nodeTensors: [[TensorSpec]]
    /// The named tensors of θ: every parameter in node order, then every buffer in node order.
    public let layout: ParameterLayout
    /// The nodes that read each node's output.
    public let consumers: [[Int]]

    /// The input shapes of node `k`.
    public func inputShapes(of k: Int) -> [[Int]] {
        inputIndices[k].map { $0 < 0 ? inputShape : outputShapes[$0] }
    }

    /// The tensor `name` (`weight`, `running_mean`) of node `k`.
    public func tensor(_ name: String, of k: Int) -> TensorSpec? {
        let full = "\(nodes[k].name).\(name)"
        return nodeTensors[k].first { $0.name == full }
    }

    /// The output shape of the network.
    public var outputShape: [Int] { outputShapes[outputShapes.count - 1] }

    /// Whether some node carries buffers (BatchNorm).
    public var hasBuffers: Bool { layout.parameterCount < layout.totalCount }

    /// Whether some node behaves differently in training and evaluation mode (BatchNorm).
    public var hasBatchNorm: Bool {
        nodes.contains { if case .batchNorm = $0.layer { return true } else { return false } }
    }

    /// Resolves `nodes` for samples of `inputShape`; errors name the node and the shapes.
    public init(inputShape: [Int], nodes: [NetworkNode]) throws(NetworkError) {
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw .invalid(reason: "the input shape must be positive, got \(inputShape.shapeDescription)")
        }
        guard !nodes.isEmpty else { throw .invalid(reason: "a network needs at least one layer") }
        self.inputShape = inputShape
        self.nodes = nodes
        var index: [String: Int] = [:]
        var inputIndices: [[Int]] = []
        var shapes: [[Int]] = []
        var tensors: [[LayerTensor]] = []
        var consumers: [[Int]] = Array(repeating: [], count: nodes.count)
        for (k, node) in nodes.enumerated() {
            guard !node.name.isEmpty, node.name != NetworkNode.networkInput, index[node.name] == nil else {
                throw .invalid(reason: "node \(k) has an empty, reserved or repeated name '\(node.name)'")
            }
            let layer = node.layer.layer
            guard layer.arity.map({ $0 == node.inputs.count }) ?? (node.inputs.count >= 2) else {
                throw .invalid(
                    reason: "node '\(node.name)' takes \(layer.arity ?? 2) inputs, given \(node.inputs.count)")
            }
            var sources: [Int] = []
            for name in node.inputs {
                if name == NetworkNode.networkInput {
                    sources.append(-1)
                } else if let j = index[name] {
                    sources.append(j)
                    consumers[j].append(k)
                } else {
                    throw .invalid(reason: "node '\(node.name)' reads '\(name)', which is not an earlier node")
                }
            }
            let inputShapes = sources.map { $0 < 0 ? inputShape : shapes[$0] }
            do {
                shapes.append(try layer.outputShape(for: inputShapes))
            } catch {
                throw .invalid(
                    reason: "node '\(node.name)' (\(node.layer.typeName)) cannot take input "
                        + inputShapes.map(\.shapeDescription).joined(separator: " and ") + ": \(error.reason)")
            }
            guard shapes[k].allSatisfy({ $0 > 0 }) else {
                throw .invalid(reason: "node '\(node.name)' has an empty output \(shapes[k].shapeDescription)")
            }
            inputIndices.append(sources)
            tensors.append(layer.tensors(for: inputShapes))
            index[node.name] = k
        }
        for k in 0..<(nodes.count - 1) where consumers[k].isEmpty {
            throw .invalid(reason: "the output of node '\(nodes[k].name)' is never used (the last node is the output)")
        }
        self.inputIndices = inputIndices
        outputShapes = shapes
        self.consumers = consumers
        try Self.requireRepresentable(tensors)
        var entries: [(name: String, shape: [Int], role: TensorRole)] = []
        for role in [TensorRole.parameter, .buffer] {
            for (node, owned) in zip(nodes, tensors) {
                for t in owned where t.role == role { entries.append(("\(node.name).\(t.name)", t.shape, role)) }
            }
        }
        let layout = ParameterLayout(entries)
        self.layout = layout
        var byName: [String: TensorSpec] = [:]
        for t in layout.tensors { byName[t.name] = t }
        nodeTensors = zip(nodes, tensors).map { node, owned in
            owned.map { t in byName["\(node.name).\(t.name)"]! }
        }
        var inits: [String: TensorInitialization] = [:]
        for (node, owned) in zip(nodes, tensors) {
            for t in owned { inits["\(node.name).\(t.name)"] = t.initialization }
        }
        tensorInitializations = inits
    }

    /// How each tensor (by full name) is set before training.
    public let tensorInitializations: [String: TensorInitialization]

    /// Throws unless every tensor's element count and |θ| fit in memory (see ``Network/maxParameterCount``).
    static func requireRepresentable(_ tensors: [[LayerTensor]]) throws(NetworkError) {
        var total = 0
        for t in tensors.joined() {
            var count = 1
            for d in t.shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else {
                    throw .invalid(reason: "a \(t.shape.shapeDescription) tensor has more elements than fit in memory")
                }
                count = p
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow, sum <= Network.maxParameterCount else {
                throw .invalid(reason: "the network has more than \(Network.maxParameterCount) parameters")
            }
            total = sum
        }
    }
}
