import OrbitNumerics

/// A Conv2d node: y = W ⋆ x + b; backward dW = Σ_n dYₙ ⋆ xₙ, db = Σ dY, dX = Wᵀ ⋆ dY. Float runs oneDNN's
/// convolution primitives (``OneDNNConvolution``, 3.2× faster here) unless ``ConvolutionBackend/selected`` is
/// im2col or oneDNN is not built in; Double (the finite-difference and parity tests) runs im2col + GEMM
/// (``Conv2dKernel``). Forward 2·b·O·C·kH·kW·H′·W′ flops, backward twice that.
final class Conv2dOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    /// The im2col kernel, when ``floatKernel`` is nil.
    let kernel: Conv2dKernel<Scalar>?
    /// The oneDNN kernel, for Float only.
    let floatKernel: (any FloatConvolution)?
    let weight: TensorSpec
    let bias: TensorSpec?
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(
        input: Int, geometry: Conv2dGeometry, weight: TensorSpec, bias: TensorSpec?, capacity: Int, inference: Bool,
        outputs: OutputBuffers<Scalar>
    ) {
        self.input = input
        floatKernel =
            Scalar.self == Float.self
            ? ConvolutionBackend.floatKernel(
                geometry: geometry, capacity: capacity, bias: bias != nil, inference: inference)
            : nil
        kernel = floatKernel == nil ? Conv2dKernel(geometry: geometry, capacity: capacity) : nil
        self.weight = weight
        self.bias = bias
        y = outputs.output(count: capacity * geometry.outputSize)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * geometry.outputSize))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        let (x, w, b) = (c.value(input), c.theta + weight.offset, bias.map { c.theta + $0.offset })
        if let floatKernel {
            floatKernel.forward(
                rows: c.rows, input: x.reinterpreted(as: Float.self), weight: w.reinterpreted(as: Float.self),
                bias: b?.reinterpreted(as: Float.self), output: y.baseAddress.reinterpreted(as: Float.self))
        } else {
            kernel!.forward(rows: c.rows, input: x, weight: w, bias: b, output: y.baseAddress)
        }
    }

    func backward(_ c: StepContext<Scalar>) {
        let (x, w) = (c.value(input), c.theta + weight.offset)
        let (dw, db) = (c.gradient! + weight.offset, bias.map { c.gradient! + $0.offset })
        let routed = c.routing.wants(input) ? c.routing.target(input) : nil
        if let floatKernel {
            // Both passes in one call, so the backend can share its copy of dy.
            floatKernel.backward(
                rows: c.rows, input: x.reinterpreted(as: Float.self),
                outputGradient: dy.baseAddress.reinterpreted(as: Float.self), weight: w.reinterpreted(as: Float.self),
                weightGradient: dw.reinterpreted(as: Float.self), biasGradient: db?.reinterpreted(as: Float.self),
                inputGradient: routed?.0.reinterpreted(as: Float.self), accumulate: routed?.1 ?? false)
            return
        }
        kernel!.backwardWeight(
            rows: c.rows, input: x, outputGradient: dy.baseAddress, weightGradient: dw, biasGradient: db)
        if let (target, accumulate) = routed {
            kernel!.backwardInput(
                rows: c.rows, outputGradient: dy.baseAddress, weight: w, inputGradient: target,
                accumulate: accumulate)
        }
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
