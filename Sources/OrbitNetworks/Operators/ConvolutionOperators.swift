import OrbitNumerics

/// A Conv2d node: y = W ⋆ x + b by im2col + GEMM (``Conv2dKernel``); backward dW = Σ_n dYₙ·colₙᵀ,
/// db = Σ dY, dX = col2im(Wᵀ·dYₙ). Forward 2·b·O·C·kH·kW·H′·W′ flops, backward twice that.
final class Conv2dOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let kernel: Conv2dKernel<Scalar>
    let weight: TensorSpec
    let bias: TensorSpec?
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(
        input: Int, geometry: Conv2dGeometry, weight: TensorSpec, bias: TensorSpec?, capacity: Int, inference: Bool,
        outputs: OutputBuffers<Scalar>
    ) {
        self.input = input
        kernel = Conv2dKernel(geometry: geometry, capacity: capacity)
        self.weight = weight
        self.bias = bias
        y = outputs.output(count: capacity * geometry.outputSize)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * geometry.outputSize))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        kernel.forward(
            rows: c.rows, input: c.value(input), weight: c.theta + weight.offset,
            bias: bias.map { c.theta + $0.offset },
            output: y.baseAddress)
    }

    func backward(_ c: StepContext<Scalar>) {
        kernel.backwardWeight(
            rows: c.rows, input: c.value(input), outputGradient: dy.baseAddress,
            weightGradient: c.gradient! + weight.offset, biasGradient: bias.map { c.gradient! + $0.offset })
        guard c.routing.wants(input) else { return }
        let (target, accumulate) = c.routing.target(input)
        kernel.backwardInput(
            rows: c.rows, outputGradient: dy.baseAddress, weight: c.theta + weight.offset, inputGradient: target,
            accumulate: accumulate)
    }
}

/// A MaxPool2d or AvgPool2d node (``MaxPool2dKernel``, ``AvgPool2dKernel``); O(b·C·H′·W′·k²).
final class Pool2dOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let maxKernel: MaxPool2dKernel<Scalar>?
    let averageKernel: AvgPool2dKernel<Scalar>?
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(
        input: Int, layer: Pool2dLayer, geometry: Pool2dGeometry, capacity: Int, inference: Bool,
        outputs: OutputBuffers<Scalar>
    ) {
        self.input = input
        maxKernel = layer.reduction == .max ? MaxPool2dKernel(geometry: geometry, capacity: capacity) : nil
        averageKernel = layer.reduction == .average ? AvgPool2dKernel(geometry: geometry) : nil
        y = outputs.output(count: capacity * geometry.outputSize)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * geometry.outputSize))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        if let maxKernel {
            maxKernel.forward(rows: c.rows, input: c.value(input), output: y.baseAddress)
        } else {
            averageKernel!.forward(rows: c.rows, input: c.value(input), output: y.baseAddress)
        }
    }

    func backward(_ c: StepContext<Scalar>) {
        guard c.routing.wants(input) else { return }
        let (target, accumulate) = c.routing.target(input)
        if let maxKernel {
            maxKernel.backward(
                rows: c.rows, outputGradient: dy.baseAddress, inputGradient: target, accumulate: accumulate)
        } else {
            averageKernel!.backward(
                rows: c.rows, outputGradient: dy.baseAddress, inputGradient: target, accumulate: accumulate)
        }
    }
}

/// A global average pool node: C×H×W → [C] by one GEMV per batch (``GlobalAveragePoolKernel``).
final class GlobalAveragePoolOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let kernel: GlobalAveragePoolKernel<Scalar>
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(input: Int, channels: Int, spatial: Int, capacity: Int, inference: Bool, outputs: OutputBuffers<Scalar>) {
        self.input = input
        kernel = GlobalAveragePoolKernel(channels: channels, spatial: spatial)
        y = outputs.output(count: capacity * channels)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * channels))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        kernel.forward(rows: c.rows, input: c.value(input), output: y.baseAddress)
    }

    func backward(_ c: StepContext<Scalar>) {
        guard c.routing.wants(input) else { return }
        let (target, accumulate) = c.routing.target(input)
        kernel.backward(rows: c.rows, outputGradient: dy.baseAddress, inputGradient: target, accumulate: accumulate)
    }
}
