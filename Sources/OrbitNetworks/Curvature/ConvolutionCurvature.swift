import OrbitNumerics

/// The R-operator of a Conv2d step y = W ⋆ x + b, bilinear in (W, x): forward
/// R{y} = W ⋆ R{x} + V ⋆ x + V_b; backward R{∂L/∂W} = Σₙ R{dyₙ} ⋆ xₙ + Σₙ dyₙ ⋆ R{xₙ},
/// R{∂L/∂b} = Σ R{dy}, R{∂L/∂x} = Wᵀ ⋆ R{dy} + Vᵀ ⋆ dy. Every term is a call of the step's own
/// kernels (oneDNN in Float, im2col + GEMM in Double) with other arguments: twice the gradient's
/// convolutions, once as many when x is the network input (R{x} = 0).
final class Conv2dCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: Conv2dOperator<Scalar>
    let geometry: Conv2dGeometry
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>
    /// V ⋆ x + V_b, before W ⋆ R{x} is added.
    let scratch: AlignedBuffer<Scalar>
    /// One term of R{∂L/∂W} and R{∂L/∂b} (the kernels overwrite their gradients).
    let weightScratch: AlignedBuffer<Scalar>
    let biasScratch: AlignedBuffer<Scalar>
    /// The zero bias of W ⋆ R{x} (a kernel built with a bias takes one).
    let zeroBias: AlignedBuffer<Scalar>

    init(_ op: Conv2dOperator<Scalar>, geometry: Conv2dGeometry, capacity: Int) {
        self.op = op
        self.geometry = geometry
        buffers = RBuffers(count: capacity * geometry.outputSize)
        scratch = AlignedBuffer(repeating: 0, count: op.input >= 0 ? capacity * geometry.outputSize : 1)
        weightScratch = AlignedBuffer(repeating: 0, count: geometry.weightCount)
        biasScratch = AlignedBuffer(repeating: 0, count: geometry.outChannels)
        zeroBias = AlignedBuffer(repeating: 0, count: geometry.outChannels)
    }

    private func convolve(
        _ rows: Int, _ x: UnsafePointer<Scalar>, _ w: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>?,
        _ y: UnsafeMutablePointer<Scalar>
    ) {
        if let f = op.floatKernel {
            f.forward(
                rows: rows, input: x.reinterpreted(as: Float.self), weight: w.reinterpreted(as: Float.self),
                bias: b?.reinterpreted(as: Float.self), output: y.reinterpreted(as: Float.self))
        } else {
            op.kernel!.forward(rows: rows, input: x, weight: w, bias: b, output: y)
        }
    }

    /// weightScratch ← Σₙ dyₙ ⋆ xₙ, biasScratch ← Σₙ dyₙ (when the node has a bias).
    private func weightGradient(_ rows: Int, _ x: UnsafePointer<Scalar>, _ dy: UnsafePointer<Scalar>) {
        let db = op.bias == nil ? nil : biasScratch.baseAddress
        if let f = op.floatKernel {
            f.backwardWeight(
                rows: rows, input: x.reinterpreted(as: Float.self), outputGradient: dy.reinterpreted(as: Float.self),
                weightGradient: weightScratch.baseAddress.reinterpreted(as: Float.self),
                biasGradient: db?.reinterpreted(as: Float.self))
        } else {
            op.kernel!.backwardWeight(
                rows: rows, input: x, outputGradient: dy, weightGradient: weightScratch.baseAddress, biasGradient: db)
        }
    }

    private func inputGradient(
        _ rows: Int, _ dy: UnsafePointer<Scalar>, _ w: UnsafePointer<Scalar>, _ dx: UnsafeMutablePointer<Scalar>,
        accumulate: Bool
    ) {
        if let f = op.floatKernel {
            f.backwardInput(
                rows: rows, outputGradient: dy.reinterpreted(as: Float.self), weight: w.reinterpreted(as: Float.self),
                inputGradient: dx.reinterpreted(as: Float.self), accumulate: accumulate)
        } else {
            op.kernel!.backwardInput(
                rows: rows, outputGradient: dy, weight: w, inputGradient: dx, accumulate: accumulate)
        }
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let v = r.direction + op.weight.offset, vb = op.bias.map { r.direction + $0.offset }
        let x = UnsafePointer(c.value(op.input))
        guard op.input >= 0 else {
            convolve(c.rows, x, v, vb, rOutput)
            return
        }
        convolve(c.rows, x, v, vb, scratch.baseAddress)
        convolve(
            c.rows, r.rValue(op.input), c.theta + op.weight.offset, op.bias == nil ? nil : zeroBias.baseAddress,
            rOutput)
        let count = c.rows * geometry.outputSize
        axpy(
            1, UnsafeBufferPointer(start: scratch.baseAddress, count: count),
            UnsafeMutableBufferPointer(start: rOutput, count: count))
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let b = c.rows
        let (x, dy, rdyPointer) = (
            UnsafePointer(c.value(op.input)), UnsafePointer(op.dy.baseAddress), UnsafePointer(rOutputGradient)
        )
        weightGradient(b, x, rdyPointer)
        r.addToProduct(weightScratch.baseAddress, op.weight)
        if let bias = op.bias { r.addToProduct(biasScratch.baseAddress, bias) }
        guard op.input >= 0 else { return }
        let rx = UnsafePointer(r.rValue(op.input))
        weightGradient(b, rx, dy)
        r.addToProduct(weightScratch.baseAddress, op.weight)
        let (target, accumulate) = r.routing.target(op.input)
        inputGradient(b, rdyPointer, c.theta + op.weight.offset, target, accumulate: accumulate)
        inputGradient(b, dy, r.direction + op.weight.offset, target, accumulate: true)
    }
}

/// The R-operator of max and average pooling. Max pooling is linear in x on the piece where the
/// argmax is fixed (almost everywhere): R{y} = R{x} at the argmax the pass at θ recorded, and
/// R{∂L/∂x} the scatter of R{∂L/∂y} to it. Average pooling is linear: R{y} = avgpool(R{x}),
/// R{∂L/∂x} = avgpoolᵀ(R{∂L/∂y}). Neither has tensors.
final class Pool2dCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: Pool2dOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>

    init(_ op: Pool2dOperator<Scalar>, width: Int, capacity: Int) {
        self.op = op
        buffers = RBuffers(count: capacity * width)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        if let maxKernel = op.maxKernel {
            maxKernel.gather(rows: c.rows, input: r.rValue(op.input), output: rOutput)
        } else {
            op.averageKernel!.forward(rows: c.rows, input: r.rValue(op.input), output: rOutput)
        }
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        guard r.routing.wants(op.input) else { return }
        let (target, accumulate) = r.routing.target(op.input)
        if let maxKernel = op.maxKernel {
            maxKernel.backward(
                rows: c.rows, outputGradient: rOutputGradient, inputGradient: target, accumulate: accumulate)
        } else {
            op.averageKernel!.backward(
                rows: c.rows, outputGradient: rOutputGradient, inputGradient: target, accumulate: accumulate)
        }
    }
}

/// The R-operator of global average pooling, a linear map: R{y} = GAP(R{x}), R{∂L/∂x} = GAPᵀ(R{∂L/∂y}).
final class GlobalAveragePoolCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: GlobalAveragePoolOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>

    init(_ op: GlobalAveragePoolOperator<Scalar>, width: Int, capacity: Int) {
        self.op = op
        buffers = RBuffers(count: capacity * width)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        op.kernel.forward(rows: c.rows, input: r.rValue(op.input), output: rOutput)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        guard r.routing.wants(op.input) else { return }
        let (target, accumulate) = r.routing.target(op.input)
        op.kernel.backward(rows: c.rows, outputGradient: rOutputGradient, inputGradient: target, accumulate: accumulate)
    }
}
