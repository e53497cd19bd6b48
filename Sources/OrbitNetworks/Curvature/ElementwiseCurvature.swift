import OrbitNumerics

/// The R-operator of an activation step a = σ(x): R{a} = σ′(x)⊙R{x};
/// R{∂L/∂x} = σ′(x)⊙R{∂L/∂a} + σ″(x)⊙R{x}⊙∂L/∂a (``CurvatureKernels/backward(count:rGradient:gradient:z:a:rz:activation:)``).
final class ActivationCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: ActivationOperator<Scalar>
    /// R{output} and R{∂L/∂output} (the latter overwritten by R{∂L/∂x}).
    let buffers: RBuffers<Scalar>

    init(_ op: ActivationOperator<Scalar>, capacity: Int) {
        self.op = op
        buffers = RBuffers(count: capacity * op.width)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let count = c.rows * op.width
        rOutput.update(from: r.rValue(op.input), count: count)
        ActivationKernels.multiplyByDerivative(
            count: count, gradient: rOutput, z: UnsafePointer(c.value(op.input)),
            a: UnsafePointer(op.a.baseAddress), activation: op.activation)
    }

    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        // Before the operator's backward multiplies its `da` (∂L/∂a, read by the σ″ term) by σ′.
        guard r.routing.wants(op.input) else { return }
        CurvatureKernels.backward(
            count: c.rows * op.width, rGradient: rOutputGradient, gradient: UnsafePointer(op.da.baseAddress),
            z: UnsafePointer(c.value(op.input)), a: UnsafePointer(op.a.baseAddress),
            rz: UnsafePointer(r.rValue(op.input)), activation: op.activation)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        r.routing.add(rOutputGradient, to: op.input)
    }
}

/// The R-operator of y = Σ_i s_i·x_i, linear: R{y} = Σ_i s_i·R{x_i}, R{∂L/∂x_i} = s_i·R{∂L/∂y}.
final class AddCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: AddOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>

    init(_ op: AddOperator<Scalar>, capacity: Int) {
        self.op = op
        buffers = RBuffers(count: capacity * op.width)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let count = c.rows * op.width
        let out = UnsafeMutableBufferPointer(start: rOutput, count: count)
        rOutput.update(from: r.rValue(op.inputs[0]), count: count)
        if op.scales[0] != 1 { scal(op.scales[0], out) }
        for (s, scale) in zip(op.inputs.dropFirst(), op.scales.dropFirst()) {
            axpy(scale, UnsafeBufferPointer(start: r.rValue(s), count: count), out)
        }
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        for (s, scale) in zip(op.inputs, op.scales) { r.routing.add(rOutputGradient, scale: scale, to: s) }
    }
}

/// The R-operator of Flatten, the identity on rows: R{y} = R{x}, R{∂L/∂x} = R{∂L/∂y}.
final class FlattenCurvature<Scalar: BLASScalar>: RBufferHolding {
    let op: FlattenOperator<Scalar>
    /// R{output} and R{∂L/∂output}.
    let buffers: RBuffers<Scalar>

    init(_ op: FlattenOperator<Scalar>, capacity: Int) {
        self.op = op
        buffers = RBuffers(count: capacity * op.width)
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        rOutput.update(from: r.rValue(op.input), count: c.rows * op.width)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        r.routing.add(rOutputGradient, to: op.input)
    }
}
