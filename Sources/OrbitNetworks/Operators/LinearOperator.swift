import OrbitNumerics

/// A Linear node fused with the Add and activation that alone consume it:
/// z = X·Wᵀ (+ ε·skip) + b, a = σ(z) — the dense step of the MLP kernels, unchanged, so dense chains
/// compute bit-for-bit what they did before the layer graph. Forward is one GEMM of 2·b·in·out
/// flops plus one fused pass (bias + σ); backward two GEMMs (dW = dZᵀ·X, dX = dZ·W), a GEMV for
/// the bias and one pass for σ′.
final class LinearOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let inputs: Int
    let outputs: Int
    let weight: TensorSpec
    let bias: TensorSpec?
    let skipFrom: Int?
    let skipScale: Double
    let activation: Activation
    /// Pre-activations (capacity × outputs); the same buffer as `a` for identity steps and in inference.
    let z: AlignedBuffer<Scalar>
    let a: AlignedBuffer<Scalar>
    let da: AlignedBuffer<Scalar>
    let ones: AlignedBuffer<Scalar>

    init(
        input: Int, inputs: Int, outputs: Int, weight: TensorSpec, bias: TensorSpec?, skipFrom: Int?,
        skipScale: Double, activation: Activation, capacity: Int, inference: Bool,
        buffers: OutputBuffers<Scalar>
    ) {
        self.input = input
        self.inputs = inputs
        self.outputs = outputs
        self.weight = weight
        self.bias = bias
        self.skipFrom = skipFrom
        self.skipScale = skipScale
        self.activation = activation
        // The step's output is `a`; `z` is kept for backward unless it is the same buffer.
        if activation == .identity || inference {
            z = buffers.output(count: capacity * outputs)
            a = z
        } else {
            z = AlignedBuffer(repeating: 0, count: capacity * outputs)
            a = buffers.output(count: capacity * outputs)
        }
        da = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * outputs))
        ones = AlignedBuffer(repeating: 1, count: inference ? 1 : capacity)
    }

    var output: UnsafeMutablePointer<Scalar> { a.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { da.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        forward(c, firstLayer: nil)
    }

    func forward(_ c: StepContext<Scalar>, firstLayer: FirstLayerCombination<Scalar>?) {
        let b = c.rows
        let zk = z.baseAddress
        let biasPointer = bias.map { c.theta + $0.offset }
        if let firstLayer, skipFrom == nil {
            // Σ c_i·H_i + b and σ in one pass over the block.
            ActivationKernels.combinationBiasActivation(
                rows: b, columns: outputs, products: firstLayer.products, coefficients: firstLayer.coefficients,
                z: zk, a: a.baseAddress, bias: biasPointer, activation: activation)
            return
        } else if let firstLayer {
            ParameterVectorKernels.combination(
                out: zk, inputs: firstLayer.products, coefficients: firstLayer.coefficients, count: b * outputs)
        } else {
            let x = MatrixView(baseAddress: c.value(input), rows: b, columns: inputs)
            let w = MatrixView(baseAddress: c.theta + weight.offset, rows: outputs, columns: inputs)
            gemm(x, w, into: MutableMatrixView(baseAddress: zk, rows: b, columns: outputs), transposeB: .transposed)
        }
        if let skipFrom {
            axpy(
                Scalar(skipScale), UnsafeBufferPointer(start: c.value(skipFrom), count: b * outputs),
                UnsafeMutableBufferPointer(start: zk, count: b * outputs))
        }
        ActivationKernels.biasActivation(
            rows: b, columns: outputs, z: zk, a: a.baseAddress, bias: biasPointer, activation: activation)
    }

    func backward(_ c: StepContext<Scalar>) {
        let b = c.rows
        let n = b * outputs
        let dzk = da.baseAddress
        let gbase = c.gradient!
        ActivationKernels.multiplyByDerivative(
            count: n, gradient: dzk, z: UnsafePointer(z.baseAddress), a: UnsafePointer(a.baseAddress),
            activation: activation)
        let dz = MatrixView(baseAddress: dzk, rows: b, columns: outputs)
        let x = MatrixView(baseAddress: c.value(input), rows: b, columns: inputs)
        gemm(
            dz, x, into: MutableMatrixView(baseAddress: gbase + weight.offset, rows: outputs, columns: inputs),
            transposeA: .transposed)
        if let bias {
            gemv(
                dz, UnsafeBufferPointer(start: ones.baseAddress, count: b),
                into: UnsafeMutableBufferPointer(start: gbase + bias.offset, count: outputs), transpose: .transposed)
        }
        if c.routing.wants(input) {
            let w = MatrixView(baseAddress: c.theta + weight.offset, rows: outputs, columns: inputs)
            let (target, accumulate) = c.routing.target(input)
            gemm(
                dz, w, into: MutableMatrixView(baseAddress: target, rows: b, columns: inputs),
                beta: accumulate ? 1 : 0)
        }
        if let skipFrom {
            c.routing.add(dzk, scale: Scalar(skipScale), to: skipFrom)
        }
    }
}
