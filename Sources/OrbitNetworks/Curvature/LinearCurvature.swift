import OrbitNumerics

/// The R-operator of a Linear step z = x·Wᵀ + b (+ s·skip), a = σ(z), as the dense chains' path
/// computes it (``HessianVectorWorkspace``): forward R{z} = R{x}·Wᵀ + x·Vᵀ + V_b (+ s·R{skip}),
/// R{a} = σ′(z)⊙R{z}; backward R{∂L/∂z} = σ′⊙R{∂L/∂a} + σ″⊙R{z}⊙∂L/∂a, the product
/// R{∂L/∂W} = R{∂L/∂z}ᵀ·x + (∂L/∂z)ᵀ·R{x}, R{∂L/∂b} = R{∂L/∂z}ᵀ·1, and
/// R{∂L/∂x} = R{∂L/∂z}·W + ∂L/∂z·V. Eight GEMMs of the forward's size (three when x is the
/// network input, whose R{x} = 0).
final class LinearCurvature<Scalar: BLASScalar>: StepCurvature {
    let op: LinearOperator<Scalar>
    /// R{z}; the same buffer as `ra` for identity steps.
    let rz: AlignedBuffer<Scalar>
    let ra: AlignedBuffer<Scalar>
    /// R{∂L/∂a}, overwritten by R{∂L/∂z} in ``prepareBackwardR(_:_:)``.
    let rda: AlignedBuffer<Scalar>

    init(_ op: LinearOperator<Scalar>, capacity: Int) {
        self.op = op
        rz = AlignedBuffer(repeating: 0, count: capacity * op.outputs)
        ra = op.activation == .identity ? rz : AlignedBuffer(repeating: 0, count: capacity * op.outputs)
        rda = AlignedBuffer(repeating: 0, count: capacity * op.outputs)
    }

    var rOutput: UnsafeMutablePointer<Scalar> { ra.baseAddress }
    var rOutputGradient: UnsafeMutablePointer<Scalar> { rda.baseAddress }

    private func views(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) -> (
        x: MatrixView<Scalar>, rx: MatrixView<Scalar>, w: MatrixView<Scalar>, v: MatrixView<Scalar>
    ) {
        let (b, m, n) = (c.rows, op.outputs, op.inputs)
        return (
            MatrixView(baseAddress: c.value(op.input), rows: b, columns: n),
            MatrixView(baseAddress: r.rValue(op.input), rows: b, columns: n),
            MatrixView(baseAddress: c.theta + op.weight.offset, rows: m, columns: n),
            MatrixView(baseAddress: r.direction + op.weight.offset, rows: m, columns: n)
        )
    }

    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let (b, m) = (c.rows, op.outputs)
        let count = b * m
        let (x, rx, w, v) = views(c, r)
        let rzView = MutableMatrixView(baseAddress: rz.baseAddress, rows: b, columns: m)
        gemm(x, v, into: rzView, transposeB: .transposed)
        if op.input >= 0 { gemm(rx, w, into: rzView, transposeB: .transposed, beta: 1) }
        if let from = op.skipFrom, from >= 0 {
            axpy(
                Scalar(op.skipScale), UnsafeBufferPointer(start: r.rValue(from), count: count),
                UnsafeMutableBufferPointer(start: rz.baseAddress, count: count))
        }
        if let bias = op.bias {
            let vb = UnsafeBufferPointer(start: r.direction + bias.offset, count: m)
            for i in 0..<b { axpy(1, vb, rzView.row(i)) }
        }
        if op.activation != .identity {
            ra.baseAddress.update(from: rz.baseAddress, count: count)
            ActivationKernels.multiplyByDerivative(
                count: count, gradient: ra.baseAddress, z: UnsafePointer(op.z.baseAddress),
                a: UnsafePointer(op.a.baseAddress), activation: op.activation)
        }
    }

    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        // The operator's `da` still holds ∂L/∂a, which the σ″ term reads.
        CurvatureKernels.backward(
            count: c.rows * op.outputs, rGradient: rda.baseAddress, gradient: UnsafePointer(op.da.baseAddress),
            z: UnsafePointer(op.z.baseAddress), a: UnsafePointer(op.a.baseAddress),
            rz: UnsafePointer(rz.baseAddress), activation: op.activation)
    }

    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {
        let (b, m, n) = (c.rows, op.outputs, op.inputs)
        let (x, rx, w, v) = views(c, r)
        // The operator's backward turned `da` into ∂L/∂z.
        let dz = MatrixView(baseAddress: op.da.baseAddress, rows: b, columns: m)
        let rdz = MatrixView(baseAddress: rda.baseAddress, rows: b, columns: m)
        let productW = MutableMatrixView(baseAddress: r.product + op.weight.offset, rows: m, columns: n)
        gemm(rdz, x, into: productW, transposeA: .transposed, beta: 1)
        if let bias = op.bias {
            gemv(
                rdz, UnsafeBufferPointer(start: op.ones.baseAddress, count: b),
                into: UnsafeMutableBufferPointer(start: r.product + bias.offset, count: m), transpose: .transposed,
                beta: 1)
        }
        if op.input >= 0 {
            gemm(dz, rx, into: productW, transposeA: .transposed, beta: 1)
            let (target, accumulate) = r.routing.target(op.input)
            let rdx = MutableMatrixView(baseAddress: target, rows: b, columns: n)
            gemm(rdz, w, into: rdx, beta: accumulate ? 1 : 0)
            gemm(dz, v, into: rdx, beta: 1)
        }
        if let from = op.skipFrom { r.routing.add(rda.baseAddress, scale: Scalar(op.skipScale), to: from) }
    }
}
