import OrbitNumerics

/// a = σ(x) for an activation node that is not fused into a Linear step; backward
/// ∂L/∂x += ∂L/∂a ⊙ σ′(x), one pass.
final class ActivationOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let width: Int
    let activation: Activation
    let a: AlignedBuffer<Scalar>
    let da: AlignedBuffer<Scalar>

    init(input: Int, width: Int, activation: Activation, capacity: Int, inference: Bool, outputs: OutputBuffers<Scalar>)
    {
        self.input = input
        self.width = width
        self.activation = activation
        a = outputs.output(count: capacity * width)
        da = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * width))
    }

    var output: UnsafeMutablePointer<Scalar> { a.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { da.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        // Without a bias the kernel only reads z.
        ActivationKernels.biasActivation(
            rows: c.rows, columns: width, z: c.value(input), a: a.baseAddress, bias: nil, activation: activation)
    }

    func backward(_ c: StepContext<Scalar>) {
        guard c.routing.wants(input) else { return }
        ActivationKernels.multiplyByDerivative(
            count: c.rows * width, gradient: da.baseAddress, z: UnsafePointer(c.value(input)),
            a: UnsafePointer(a.baseAddress), activation: activation)
        c.routing.add(da.baseAddress, to: input)
    }
}

/// y = Σ_i s_i·x_i (`?axpy` per input); backward ∂L/∂x_i += s_i·∂L/∂y.
final class AddOperator<Scalar: BLASScalar>: StepOperator {
    let inputs: [Int]
    let scales: [Scalar]
    let width: Int
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(inputs: [Int], scales: [Double], width: Int, capacity: Int, inference: Bool, outputs: OutputBuffers<Scalar>) {
        self.inputs = inputs
        self.scales = inputs.indices.map { scales.isEmpty ? 1 : Scalar(scales[$0]) }
        self.width = width
        y = outputs.output(count: capacity * width)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * width))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) {
        let n = c.rows * width
        let out = UnsafeMutableBufferPointer(start: y.baseAddress, count: n)
        y.baseAddress.update(from: c.value(inputs[0]), count: n)
        if scales[0] != 1 { scal(scales[0], out) }
        for (s, scale) in zip(inputs.dropFirst(), scales.dropFirst()) {
            axpy(scale, UnsafeBufferPointer(start: c.value(s), count: n), out)
        }
    }

    func backward(_ c: StepContext<Scalar>) {
        for (s, scale) in zip(inputs, scales) { c.routing.add(dy.baseAddress, scale: scale, to: s) }
    }
}

/// C×H×W → C·H·W: the row already is the flattened tensor, so forward and backward are copies
/// (they keep every slot's buffer its own, which the gradient routing relies on).
final class FlattenOperator<Scalar: BLASScalar>: StepOperator {
    let input: Int
    let width: Int
    let y: AlignedBuffer<Scalar>
    let dy: AlignedBuffer<Scalar>

    init(input: Int, width: Int, capacity: Int, inference: Bool, outputs: OutputBuffers<Scalar>) {
        self.input = input
        self.width = width
        y = outputs.output(count: capacity * width)
        dy = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * width))
    }

    var output: UnsafeMutablePointer<Scalar> { y.baseAddress }
    var outputGradient: UnsafeMutablePointer<Scalar> { dy.baseAddress }

    func forward(_ c: StepContext<Scalar>) { y.baseAddress.update(from: c.value(input), count: c.rows * width) }
    func backward(_ c: StepContext<Scalar>) { c.routing.add(dy.baseAddress, to: input) }
}
