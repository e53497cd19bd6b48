import OrbitNumerics

/// The operator that runs `step` (the one switch from layer kinds to kernels).
func makeOperator<Scalar: BLASScalar>(
    _ step: ExecutionStep, plan: NetworkPlan, widths: [Int], capacity: Int, inference: Bool,
    outputs: OutputBuffers<Scalar>
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
            activation: step.activation, capacity: capacity, inference: inference, buffers: outputs)
    case .activation(let a):
        return ActivationOperator(
            input: step.inputs[0], width: width, activation: a.activation, capacity: capacity, inference: inference,
            outputs: outputs)
    case .add(let a):
        return AddOperator(
            inputs: step.inputs, scales: a.scales, width: width, capacity: capacity, inference: inference,
            outputs: outputs)
    case .flatten:
        return FlattenOperator(
            input: step.inputs[0], width: width, capacity: capacity, inference: inference, outputs: outputs)
    case .conv2d(let l):
        let x = inputShapes[0]
        let geometry = Conv2dGeometry(
            inChannels: x[0], height: x[1], width: x[2], outChannels: l.outChannels, kernelHeight: l.kernel[0],
            kernelWidth: l.kernel[1], strideHeight: l.stride[0], strideWidth: l.stride[1], paddingHeight: l.padding[0],
            paddingWidth: l.padding[1])
        return Conv2dOperator(
            input: step.inputs[0], geometry: geometry, weight: plan.tensor("weight", of: k)!,
            bias: plan.tensor("bias", of: k), capacity: capacity, inference: inference, outputs: outputs)
    case .pool2d(let l):
        let x = inputShapes[0]
        let geometry = Pool2dGeometry(
            channels: x[0], height: x[1], width: x[2], kernel: l.kernel, stride: l.stride, padding: l.padding)
        return Pool2dOperator(
            input: step.inputs[0], layer: l, geometry: geometry, capacity: capacity, inference: inference,
            outputs: outputs)
    case .globalAveragePool:
        let x = inputShapes[0]
        return GlobalAveragePoolOperator(
            input: step.inputs[0], channels: x[0], spatial: x[1] * x[2], capacity: capacity, inference: inference,
            outputs: outputs)
    case .batchNorm(let l):
        let x = inputShapes[0]
        return BatchNormOperator(
            input: step.inputs[0], layer: l, channels: x[0], spatial: x.dropFirst().reduce(1, *),
            tensors: (
                plan.tensor("weight", of: k)!, plan.tensor("bias", of: k)!, plan.tensor("running_mean", of: k)!,
                plan.tensor("running_var", of: k)!
            ), activation: step.activation, capacity: capacity, inference: inference, outputs: outputs)
    case .layerNorm(let l):
        return LayerNormOperator(
            input: step.inputs[0], layer: l, size: width, weight: plan.tensor("weight", of: k)!,
            bias: plan.tensor("bias", of: k)!, capacity: capacity, inference: inference, outputs: outputs)
    }
}
