import OrbitNumerics

/// The operator that runs `step` (the one switch from layer kinds to kernels).
func makeOperator<Scalar: BLASScalar>(
    _ step: ExecutionStep, plan: NetworkPlan, widths: [Int], capacity: Int, inference: Bool
) -> any StepOperator<Scalar> {
    let k = step.nodes[0]
    let inputShapes = plan.inputShapes(of: k)
    let outputShape = plan.outputShapes[k]
    let width = outputShape.reduce(1, *)
    switch plan.nodes[k].layer {
    case .linear(let l):
        return LinearOperator(
            input: step.inputs[0], inputs: inputShapes[0][0], outputs: l.outputs, weight: plan.tensor("weight", of: k)!,
            bias: plan.tensor("bias", of: k), skipFrom: step.skip?.slot, skipScale: step.skip?.scale ?? 0,
            activation: step.activation, capacity: capacity, inference: inference)
    case .activation(let a):
        return ActivationOperator(
            input: step.inputs[0], width: width, activation: a.activation, capacity: capacity, inference: inference)
    case .add(let a):
        return AddOperator(inputs: step.inputs, scales: a.scales, width: width, capacity: capacity, inference: inference)
    case .flatten:
        return FlattenOperator(input: step.inputs[0], width: width, capacity: capacity, inference: inference)
    case .conv2d, .batchNorm, .layerNorm, .pool2d, .globalAveragePool:
        fatalError("operator for \(plan.nodes[k].layer.typeName) not yet wired")
    }
}
