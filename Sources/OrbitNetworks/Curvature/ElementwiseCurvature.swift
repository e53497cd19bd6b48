import OrbitNumerics

/// The R-operator of an activation step a = σ(x): R{a} = σ′(x)⊙R{x};
/// R{∂L/∂x} = σ′(x)⊙R{∂L/∂a} + σ″(x)⊙R{x}⊙∂L/∂a (``CurvatureKernels/backward(count:rGradient:gradient:z:a:rz:activation:)``).
final class ActivationCurvature<Scalar: BLASScalar>: StepCurvature {
    let op: ActivationOperator<Scalar>
    let ra: AlignedBuffer<Scalar>
    /// R{∂L/∂a}, overwritten by R{∂L/∂x}.
    let rda: AlignedBuffer<Scalar>

    init(_ op: ActivationOperator<Scalar>, capacity: Int) {
        self.op = op
        ra = AlignedBuffer(repeating: 0, count: capacity * op.width)
        rda = AlignedBuffer(repeating: 0, count: capacity * op.width)
    }

    var rOutput: UnsafeMutablePointer<Scalar> { ra.baseAddress }
    var rOutputGradient: UnsafeMutablePointer<Scalar> { rda.baseAddress }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let count = c.rows * op.width
        ra.baseAddress.update(from: r.rValue(op.input), count: count)
        ActivationKernels.multiplyByDerivative(
            count: count, gradient: ra.baseAddress, z: UnsafePointer(c.value(op.input)),
            a: UnsafePointer(op.a.baseAddress), activation: op.activation)
    }

    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        // Before the operator's backward multiplies its `da` (∂L/∂a, read by the σ″ term) by σ′.
        guard r.routing.wants(op.input) else { return }
        CurvatureKernels.backward(
            count: c.rows * op.width, rGradient: rda.baseAddress, gradient: UnsafePointer(op.da.baseAddress),
            z: UnsafePointer(c.value(op.input)), a: UnsafePointer(op.a.baseAddress),
            rz: UnsafePointer(r.rValue(op.input)), activation: op.activation)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        r.routing.add(rda.baseAddress, to: op.input)
    }
}

/// The R-operator of y = Σ_i s_i·x_i, linear: R{y} = Σ_i s_i·R{x_i}, R{∂L/∂x_i} = s_i·R{∂L/∂y}.
final class AddCurvature<Scalar: BLASScalar>: StepCurvature {
    let op: AddOperator<Scalar>
    let ry: AlignedBuffer<Scalar>
    let rdy: AlignedBuffer<Scalar>

    init(_ op: AddOperator<Scalar>, capacity: Int) {
        self.op = op
        ry = AlignedBuffer(repeating: 0, count: capacity * op.width)
        rdy = AlignedBuffer(repeating: 0, count: capacity * op.width)
    }

    var rOutput: UnsafeMutablePointer<Scalar> { ry.baseAddress }
    var rOutputGradient: UnsafeMutablePointer<Scalar> { rdy.baseAddress }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let count = c.rows * op.width
        let out = UnsafeMutableBufferPointer(start: ry.baseAddress, count: count)
        ry.baseAddress.update(from: r.rValue(op.inputs[0]), count: count)
        if op.scales[0] != 1 { scal(op.scales[0], out) }
        for (s, scale) in zip(op.inputs.dropFirst(), op.scales.dropFirst()) {
            axpy(scale, UnsafeBufferPointer(start: r.rValue(s), count: count), out)
        }
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        for (s, scale) in zip(op.inputs, op.scales) { r.routing.add(rdy.baseAddress, scale: scale, to: s) }
    }
}

/// The R-operator of Flatten, the identity on rows: R{y} = R{x}, R{∂L/∂x} = R{∂L/∂y}.
final class FlattenCurvature<Scalar: BLASScalar>: StepCurvature {
    let op: FlattenOperator<Scalar>
    let ry: AlignedBuffer<Scalar>
    let rdy: AlignedBuffer<Scalar>

    init(_ op: FlattenOperator<Scalar>, capacity: Int) {
        self.op = op
        ry = AlignedBuffer(repeating: 0, count: capacity * op.width)
        rdy = AlignedBuffer(repeating: 0, count: capacity * op.width)
    }

    var rOutput: UnsafeMutablePointer<Scalar> { ry.baseAddress }
    var rOutputGradient: UnsafeMutablePointer<Scalar> { rdy.baseAddress }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        ry.baseAddress.update(from: r.rValue(op.input), count: c.rows * op.width)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        r.routing.add(rdy.baseAddress, to: op.input)
    }
}
