/// The nodes of a plan grouped into execution steps: a Linear node absorbs an Add that alone
/// consumes it (as the Add's first input, scale 1, two inputs: the residual sum) and then an
/// activation that alone consumes the result — the dense step z = W·x (+ ε·skip) + b, a = σ(z).
/// A BatchNorm absorbs a ReLU that alone consumes it. Every other node is a step of its own. Slot s is step s's output; −1 the network input.
/// An observed node ends its step (nothing is fused after it), so its output is a slot.
struct ExecutionStep: Sendable {
    /// The plan's nodes this step computes, in order; the last one's output is the step's.
    let nodes: [Int]
    /// The slots of the step's inputs (the first node's inputs; for a fused Add, its other input
    /// is ``skip``).
    let inputs: [Int]
    /// The skip slot and its scale of a fused residual Add.
    let skip: (slot: Int, scale: Double)?
    /// The activation fused into a Linear step (identity if none).
    let activation: Activation
}

extension NetworkPlan {
    /// The execution steps in order; each node of `observed` is the last node of its step.
    func executionSteps(observing observed: Set<Int> = []) -> [ExecutionStep] {
        var steps: [ExecutionStep] = []
        // The slot holding each node's output (−2 for nodes fused into a later one's step).
        var slot = Array(repeating: -2, count: nodes.count)
        var k = 0
        func soleConsumer(_ j: Int) -> Int? { consumers[j].count == 1 ? consumers[j][0] : nil }
        while k < nodes.count {
            var group = [k]
            var skip: (Int, Double)?
            var activation = Activation.identity
            if case .linear = nodes[k].layer {
                if !observed.contains(k), let j = soleConsumer(k), j == k + 1, case .add(let add) = nodes[j].layer,
                    inputIndices[j].count == 2, inputIndices[j][0] == k, add.scale(0) == 1
                {
                    let source = inputIndices[j][1]
                    skip = (source < 0 ? -1 : slot[source], add.scale(1))
                    group.append(j)
                }
                if !observed.contains(group.last!), let j = soleConsumer(group.last!), j == group.last! + 1,
                    case .activation(let a) = nodes[j].layer
                {
                    activation = a.activation
                    group.append(j)
                }
            }
            if case .batchNorm = nodes[k].layer, !observed.contains(k), let j = soleConsumer(k), j == k + 1,
                case .activation(let a) = nodes[j].layer, a.activation == .relu
            {
                // BatchNorm then ReLU: one pass writes max(0, γ·x̂ + β) (ReLU's derivative reads the output).
                activation = .relu
                group.append(j)
            }
            let inputs = inputIndices[k].map { $0 < 0 ? -1 : slot[$0] }
            steps.append(ExecutionStep(nodes: group, inputs: inputs, skip: skip, activation: activation))
            slot[group.last!] = steps.count - 1
            k = group.last! + 1
        }
        return steps
    }
}
