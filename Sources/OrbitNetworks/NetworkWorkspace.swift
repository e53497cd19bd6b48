import OrbitNumerics

/// Preallocated buffers for running one network on minibatches of up to `capacity` samples:
/// forward, loss, and backward (gradients with respect to θ and, on request, to the inputs).
///
/// Nothing is allocated per step: a training loop creates one workspace and reuses it. Each dense
/// step costs three GEMMs of 2·b·in·out flops (forward Z = X·Wᵀ; backward dW = dZᵀ·X and
/// dX = dZ·W) plus O(b·out) fused elementwise work (bias + activation, activation derivative).
///
/// Not thread-safe: use one workspace per thread.
public final class NetworkWorkspace<Scalar: BLASScalar> {
    public let network: Network
    public let capacity: Int
    let steps: [DenseStep]
    /// Pre-activations z = W·x + b (+ ε·skip) of each step, capacity × outputs.
    let z: [AlignedBuffer<Scalar>]
    /// Post-activations a = σ(z); the same buffer as `z` for identity steps, and for every step of
    /// an inference workspace.
    let a: [AlignedBuffer<Scalar>]
    /// Whether this workspace only runs forward passes (σ applied in place, no gradient buffers).
    public let isInference: Bool
    /// ∂L/∂a of each step, overwritten in place by ∂L/∂z during backward.
    let da: [AlignedBuffer<Scalar>]
    let dx: AlignedBuffer<Scalar>
    let ones: AlignedBuffer<Scalar>
    /// Whether a slot's gradient buffer already holds a contribution in this backward pass
    /// (slot 0 is the network input, slot k + 1 step k).
    var started: [Bool]
    /// The number of rows of the last forward pass.
    public private(set) var batchSize = 0
    /// ∂L/∂θ after ``backward(_:inputs:inputGradient:)``.
    public private(set) var gradient: ParameterVector<Scalar>

    /// `inference: true` makes a forward-only workspace: each step's activation overwrites its
    /// pre-activation (half the activation memory, one write per element instead of two) and no
    /// gradient buffers are allocated; ``backward(_:inputs:inputGradient:)`` and a loss with
    /// `gradient: true` are then programming errors.
    public init(network: Network, capacity: Int, inference: Bool = false) {
        precondition(capacity > 0, "workspace capacity must be positive")
        self.network = network
        self.capacity = capacity
        isInference = inference
        steps = network.computePlan
        z = steps.map { AlignedBuffer(repeating: 0, count: capacity * $0.outputs) }
        a = zip(steps, z).map { step, buffer in
            step.activation == .identity || inference
                ? buffer : AlignedBuffer(repeating: 0, count: capacity * step.outputs)
        }
        let gradientRows = inference ? 0 : capacity
        da = steps.map { AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * $0.outputs)) }
        dx = AlignedBuffer(repeating: 0, count: Swift.max(1, gradientRows * network.inputSize))
        ones = AlignedBuffer(repeating: 1, count: capacity)
        started = Array(repeating: false, count: steps.count + 1)
        gradient = ParameterVector(layout: inference ? ParameterLayout([]) : network.layout)
        parameterLayout = network.layout
    }

    /// The layout of the parameters this workspace runs.
    let parameterLayout: ParameterLayout

    /// f(x; θ) for the rows of `inputs` (at most `capacity`); the view stays valid until the next call.
    @discardableResult
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func forward(_ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>) -> MatrixView<Scalar> {
        forward(parameters, inputs: inputs, firstLayer: nil)
    }

    /// f(x; θ) where the first layer's X·W₁ᵀ is Σ_i c_i·H_i of precomputed b × outputs products H_i
    /// (row-major, contiguous): the evaluator of affine paths, X·W₁(t)ᵀ = Σ c_i(t)·X·W₁,ᵢᵀ. The
    /// combination, bias and σ are one pass over the block.
    @discardableResult
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func forward(
        _ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>, firstLayer: FirstLayerCombination<Scalar>
    ) -> MatrixView<Scalar> {
        precondition(
            firstLayer.products.count == firstLayer.coefficients.count,
            "\(firstLayer.products.count) products and \(firstLayer.coefficients.count) coefficients")
        return forward(parameters, inputs: inputs, firstLayer: Optional(firstLayer))
    }

    func forward(
        _ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>, firstLayer: FirstLayerCombination<Scalar>?
    ) -> MatrixView<Scalar> {
        precondition(inputs.rows <= capacity, "batch of \(inputs.rows) exceeds workspace capacity \(capacity)")
        precondition(
            inputs.columns == network.inputSize,
            "inputs have \(inputs.columns) features, the network takes \(network.inputSize)")
        precondition(parameters.layout == parameterLayout, "parameters do not match the workspace's network")
        let b = inputs.rows
        batchSize = b
        parameters.withUnsafeBufferPointer { theta in
            let base = theta.baseAddress!
            for (k, step) in steps.enumerated() {
                let x = slotView(step.input, inputs: inputs)
                let w = MatrixView(baseAddress: base + step.weight.offset, rows: step.outputs, columns: step.inputs)
                let zk = z[k].baseAddress
                let zView = MutableMatrixView(baseAddress: zk, rows: b, columns: step.outputs)
                if k == 0, let firstLayer, step.skipFrom == nil {
                    // Σ c_i·H_i + b and σ in one pass over the block.
                    ActivationKernels.combinationBiasActivation(
                        rows: b, columns: step.outputs, products: firstLayer.products,
                        coefficients: firstLayer.coefficients, z: zk, a: a[k].baseAddress,
                        bias: step.bias.map { UnsafePointer(base + $0.offset) }, activation: step.activation)
                    continue
                } else if k == 0, let firstLayer {
                    // A skip into the first step: the combination, then the skip, bias and σ below.
                    ParameterVectorKernels.combination(
                        out: zk, inputs: firstLayer.products, coefficients: firstLayer.coefficients,
                        count: b * step.outputs)
                } else {
                    gemm(x, w, into: zView, transposeB: .transposed)
                }
                if let from = step.skipFrom {
                    // Skip sources are contiguous b × outputs blocks (or the input, added row by row).
                    let source = slotView(from, inputs: inputs)
                    let scale = Scalar(step.skipScale)
                    for i in 0..<b {
                        axpy(
                            scale, source.row(i),
                            UnsafeMutableBufferPointer(start: zk + i * step.outputs, count: step.outputs))
                    }
                }
                ActivationKernels.biasActivation(
                    rows: b, columns: step.outputs, z: zk, a: a[k].baseAddress,
                    bias: step.bias.map { UnsafePointer(base + $0.offset) }, activation: step.activation)
            }
        }
        return outputView
    }

    /// The first layer's weight tensor (whose product with the inputs `firstPreactivations` supplies).
    public var firstLayerWeight: TensorSpec { steps[0].weight }

    /// The output of the last forward pass.
    public var outputView: MatrixView<Scalar> {
        MatrixView(baseAddress: a[steps.count - 1].baseAddress, rows: batchSize, columns: steps.last!.outputs)
    }

    /// Σ_i ℓ_i of the last forward pass; with `gradient`, also seeds backward with ∂L/∂f for the
    /// batch mean L = (1/b)·Σ_i ℓ_i (or, with `meanOver`, for the mean over that many samples).
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func loss(_ loss: LossFunction, targets: TargetBatch<Scalar>, gradient: Bool, meanOver: Int? = nil)
        -> BatchLoss
    {
        precondition(!gradient || !isInference, "a loss gradient needs a workspace built without `inference`")
        let last = steps.count - 1
        let g = MutableMatrixView(baseAddress: da[last].baseAddress, rows: batchSize, columns: steps[last].outputs)
        return LossKernels.evaluate(
            loss, outputs: outputView, targets: targets, gradient: gradient ? g : nil,
            gradientScale: 1 / Scalar(meanOver ?? batchSize))
    }

    /// Back-propagates the output gradient seeded by ``loss(_:targets:gradient:meanOver:)`` into
    /// ``gradient`` (overwritten) and, when `inputGradient` is true, into ``inputGradientView``.
    /// `parameters` and `inputs` must be those of the last forward pass.
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func backward(_ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>, inputGradient: Bool = false)
    {
        precondition(!isInference, "backward needs a workspace built without `inference`")
        let b = batchSize
        precondition(inputs.rows == b, "backward with \(inputs.rows) rows after a forward pass of \(b)")
        for i in started.indices { started[i] = false }
        started[steps.count] = true  // the loss seeded the last step's gradient
        let onesView = UnsafeBufferPointer(start: ones.baseAddress, count: b)
        parameters.withUnsafeBufferPointer { theta in
            let base = theta.baseAddress!
            gradient.withUnsafeMutableBufferPointer { grad in
                let gbase = grad.baseAddress!
                for k in stride(from: steps.count - 1, through: 0, by: -1) {
                    let step = steps[k]
                    let n = b * step.outputs
                    let dzk = da[k].baseAddress
                    if !started[k + 1] {
                        // Nothing downstream used this step's output (cannot happen in a chain, kept for safety).
                        dzk.update(repeating: 0, count: n)
                    }
                    ActivationKernels.multiplyByDerivative(
                        count: n, gradient: dzk, z: UnsafePointer(z[k].baseAddress), a: UnsafePointer(a[k].baseAddress),
                        activation: step.activation)
                    let dz = MatrixView(baseAddress: dzk, rows: b, columns: step.outputs)
                    let x = slotView(step.input, inputs: inputs)
                    gemm(
                        dz, x,
                        into: MutableMatrixView(
                            baseAddress: gbase + step.weight.offset, rows: step.outputs, columns: step.inputs),
                        transposeA: .transposed)
                    if let bias = step.bias {
                        gemv(
                            dz, onesView,
                            into: UnsafeMutableBufferPointer(start: gbase + bias.offset, count: step.outputs),
                            transpose: .transposed)
                    }
                    if step.input >= 0 || inputGradient {
                        let w = MatrixView(
                            baseAddress: base + step.weight.offset, rows: step.outputs, columns: step.inputs)
                        let slot = step.input + 1
                        gemm(dz, w, into: gradientView(step.input), beta: started[slot] ? 1 : 0)
                        started[slot] = true
                    }
                    if let from = step.skipFrom, from >= 0 || inputGradient {
                        let slot = from + 1
                        let target = gradientView(from)
                        if !started[slot] {
                            for i in 0..<b { target.row(i).update(repeating: 0) }
                            started[slot] = true
                        }
                        let scale = Scalar(step.skipScale)
                        for i in 0..<b { axpy(scale, dz.row(i), target.row(i)) }
                    }
                }
            }
        }
    }

    /// gradient ← gradient + other.gradient (`?axpy`): sums the gradients of the parts of a minibatch
    /// that several workspaces processed in parallel.
    public func accumulateGradient(from other: NetworkWorkspace<Scalar>) {
        gradient.add(other.gradient)
    }

    /// ∂L/∂x after a backward pass with `inputGradient: true`.
    public var inputGradientView: MatrixView<Scalar> {
        MatrixView(baseAddress: dx.baseAddress, rows: batchSize, columns: network.inputSize)
    }

    /// Forward, loss and backward in one call; returns Σ_i ℓ_i (and correct predictions).
    @discardableResult
    public func lossAndGradient(
        _ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>, targets: TargetBatch<Scalar>,
        loss lossFunction: LossFunction, inputGradient: Bool = false
    ) -> BatchLoss {
        forward(parameters, inputs: inputs)
        let result = loss(lossFunction, targets: targets, gradient: true)
        backward(parameters, inputs: inputs, inputGradient: inputGradient)
        return result
    }

    private func slotView(_ slot: Int, inputs: MatrixView<Scalar>) -> MatrixView<Scalar> {
        slot < 0 ? inputs : MatrixView(baseAddress: a[slot].baseAddress, rows: batchSize, columns: steps[slot].outputs)
    }

    private func gradientView(_ slot: Int) -> MutableMatrixView<Scalar> {
        slot < 0
            ? MutableMatrixView(baseAddress: dx.baseAddress, rows: batchSize, columns: network.inputSize)
            : MutableMatrixView(baseAddress: da[slot].baseAddress, rows: batchSize, columns: steps[slot].outputs)
    }
}

/// The first layer's X·W₁ᵀ as Σ_i c_i·H_i of products computed once per batch (see
/// ``NetworkWorkspace/forward(_:inputs:firstLayer:)``). The pointers must stay valid for the call.
public struct FirstLayerCombination<Scalar: BLASScalar> {
    public var products: [UnsafePointer<Scalar>]
    public var coefficients: [Scalar]

    public init(products: [UnsafePointer<Scalar>], coefficients: [Scalar]) {
        self.products = products
        self.coefficients = coefficients
    }
}
