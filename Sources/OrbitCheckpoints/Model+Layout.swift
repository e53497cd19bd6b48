import OrbitNetworks
import OrbitNumerics

extension Model {
    /// Throws unless this model has the architecture of `reference` (what every operation on several
    /// models — a path, a plane, an alignment, a star — needs): the same parameter layout (tensor
    /// names and shapes in order; ``CheckpointError/layoutMismatch(file:reference:tensor:expected:found:)``
    /// names the first tensor that differs with both shapes) and the same graph
    /// (``CheckpointError/graphMismatch(file:reference:node:expected:found:)`` names the first node
    /// that differs with its kind and shapes in each — for a dense chain, say, an activation). Graph
    /// networks (a convolution, a norm, a residual stream) are compared node by node first, so their
    /// error names the node rather than one of its tensors. `file` names this model and
    /// `referenceFile` the reference in it (their file paths, or e.g. "the feet").
    /// Cost: O(nodes + tensors).
    public func requireSameLayout<Other: BLASScalar>(
        as reference: Model<Other>, file: String, referenceFile: String
    ) throws(CheckpointError) {
        func requireSameGraph() throws(CheckpointError) {
            if let (node, expected, found) = Self.firstDifference(network.plan, reference: reference.network.plan) {
                throw .graphMismatch(file: file, reference: referenceFile, node: node, expected: expected, found: found)
            }
        }
        if !network.isDenseChain || !reference.network.isDenseChain { try requireSameGraph() }
        do {
            try reference.network.layout.requireMatches(network.layout)
        } catch {
            guard case .layoutMismatch(let tensor, let expected, let found) = error else {
                preconditionFailure("ParameterLayout.requireMatches throws layout mismatches only")
            }
            throw .layoutMismatch(
                file: file, reference: referenceFile, tensor: tensor, expected: expected, found: found)
        }
        try requireSameGraph()
    }

    /// The first node, in graph order, whose name, layer, inputs or shapes differ between `plan` and
    /// `reference`, with each side's description (`Conv2d(1→4, 3×3, pad 1) on 1×12×12 → 4×12×12`,
    /// or "nothing"); nil when the graphs are equal. A differing input shape is node "input".
    static func firstDifference(_ plan: NetworkPlan, reference: NetworkPlan) -> (
        node: String, expected: String, found: String
    )? {
        if plan.inputShape != reference.inputShape {
            return ("input", reference.inputShape.shapeDescription, plan.inputShape.shapeDescription)
        }
        func describe(_ p: NetworkPlan, _ k: Int, detailed: Bool) -> String {
            let node = p.nodes[k]
            let inputs = p.inputShapes(of: k)
            let layer = detailed ? "\(node.layer)" : node.layer.layer.summary(for: inputs)
            return "\(layer) reading \(node.inputs.map { "'\($0)'" }.joined(separator: ", ")) "
                + "(\(inputs.map(\.shapeDescription).joined(separator: " and ")) → \(p.outputShapes[k].shapeDescription))"
        }
        for k in 0..<max(plan.nodes.count, reference.nodes.count) {
            guard k < plan.nodes.count else {
                return (reference.nodes[k].name, describe(reference, k, detailed: false), "nothing")
            }
            guard k < reference.nodes.count else {
                return (plan.nodes[k].name, "nothing", describe(plan, k, detailed: false))
            }
            guard plan.nodes[k] != reference.nodes[k] || plan.outputShapes[k] != reference.outputShapes[k] else {
                continue
            }
            var expected = describe(reference, k, detailed: false)
            var found = describe(plan, k, detailed: false)
            if plan.nodes[k].name != reference.nodes[k].name {
                expected = "node '\(reference.nodes[k].name)' " + expected
                found = "node '\(plan.nodes[k].name)' " + found
            } else if expected == found {
                // Equal summaries (e.g. BatchNorms of different ε): show the layers' parameters.
                expected = describe(reference, k, detailed: true)
                found = describe(plan, k, detailed: true)
            }
            return (reference.nodes[k].name, expected, found)
        }
        return nil
    }
}
