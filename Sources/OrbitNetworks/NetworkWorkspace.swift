import OrbitNumerics

/// Preallocated buffers for running one network on minibatches of up to `capacity` samples:
/// forward, loss, and backward (gradients with respect to θ and, on request, to the inputs).
///
/// The network's plan is cut into execution steps (``ExecutionStep``), each run by an operator that
/// owns its buffers; nothing is allocated per call, so a training loop creates one workspace and
/// reuses it. A dense step costs three GEMMs of 2·b·in·out flops plus O(b·out) fused elementwise
/// work; convolutions are im2col + GEMM (`Kernels/`).
///
/// A training workspace (the default) runs BatchNorm in training mode (batch statistics); an
/// inference workspace in evaluation mode (running statistics). When several workspaces share a
/// minibatch, BatchNorm's statistics are those of the whole minibatch: see
/// ``forwardPhase(_:inputs:)`` and ``exchangeForward(_:)``.
///
/// Not thread-safe: use one workspace per thread.
public final class NetworkWorkspace<Scalar: BLASScalar> {
    public let network: Network
    public let capacity: Int
    /// Whether this workspace only runs forward passes (evaluation mode, no gradient buffers).
    public let isInference: Bool
    /// Whether BatchNorm uses the batch's statistics (training) or the running ones (evaluation).
    public var isTraining: Bool
    let steps: [ExecutionStep]
    let operators: [any StepOperator<Scalar>]
    let values: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>
    let routing: GradientRouting<Scalar>
    let dx: AlignedBuffer<Scalar>
    /// The number of rows of the last forward pass.
    public private(set) var batchSize = 0
    /// ∂L/∂θ after ``backward(_:inputs:inputGradient:)`` (zero on buffers).
    public private(set) var gradient: ParameterVector<Scalar>
    /// The layout of the parameters this workspace runs.
    let parameterLayout: ParameterLayout
    /// The step a split forward or backward pass stopped at to exchange batch statistics.
    var pendingStep: Int?
    var phaseParameters: ParameterVector<Scalar>?
    var phaseInputs: MatrixView<Scalar>?

    /// `inference: true` makes a forward-only workspace in evaluation mode: each dense step's
    /// activation overwrites its pre-activation and no gradient buffers are allocated;
    /// ``backward(_:inputs:inputGradient:)`` and a loss with `gradient: true` are then programming errors.
    /// The outputs of the nodes in `observing` (plan indices) are kept after each forward pass
    /// (nothing is fused after them) and read by ``output(ofNode:)``: the statistics of alignment and
    /// REPAIR observe pre-activations and channels through it.
    public init(network: Network, capacity: Int, inference: Bool = false, observing: Set<Int> = []) {
        precondition(capacity > 0, "workspace capacity must be positive")
        self.network = network
        self.capacity = capacity
        isInference = inference
        isTraining = !inference
        let plan = network.plan
        let steps = plan.executionSteps(observing: observing)
        self.steps = steps
        var widths = [network.inputSize]
        var operators: [any StepOperator<Scalar>] = []
        let outputs = OutputBuffers<Scalar>(reusing: inference)
        var lastUse = Array(0..<steps.count)
        for (s, step) in steps.enumerated() {
            for input in step.inputs + (step.skip.map { [$0.slot] } ?? []) where input >= 0 {
                lastUse[input] = Swift.max(lastUse[input], s)
            }
        }
        lastUse[steps.count - 1] = Int.max
        var observedSlots: [Int: Int] = [:]
        for (s, step) in steps.enumerated() where observing.contains(step.nodes.last!) {
            lastUse[s] = Int.max
            observedSlots[step.nodes.last!] = s
        }
        self.observedSlots = observedSlots
        for (s, step) in steps.enumerated() {
            outputs.begin(step: s, lastUse: lastUse[s])
            let op: any StepOperator<Scalar> = makeOperator(
                step, plan: plan, widths: widths, capacity: capacity, inference: inference, outputs: outputs)
            operators.append(op)
            widths.append(plan.outputShapes[step.nodes.last!].reduce(1, *))
        }
        self.operators = operators
        values = .allocate(capacity: steps.count + 1)
        values.initialize(repeating: UnsafeMutablePointer(bitPattern: 64)!, count: steps.count + 1)
        for (s, op) in operators.enumerated() { values[s + 1] = op.output }
        dx = AlignedBuffer(repeating: 0, count: Swift.max(1, (inference ? 0 : capacity) * network.inputSize))
        routing = GradientRouting(gradients: [dx.baseAddress] + operators.map { $0.outputGradient }, widths: widths)
        gradient = ParameterVector(
            layout: inference ? ParameterLayout([] as [(name: String, shape: [Int])]) : network.layout)
        parameterLayout = network.layout
        let linear = operators.compactMap { $0 as? LinearOperator<Scalar> }
        if network.isDenseChain, linear.count == operators.count {
            denseSteps = network.computePlan
            z = linear.map { $0.z }
            a = linear.map { $0.a }
            da = linear.map { $0.da }
        } else {
            denseSteps = []
            z = []
            a = []
            da = []
        }
    }

    /// For dense chains (every step a Linear step), the steps and their buffers as the
    /// Hessian-vector R-passes read them: pre-activations, activations and ∂L/∂a (∂L/∂z after
    /// backward). Empty for other networks.
    let denseSteps: [DenseStep]
    let z: [AlignedBuffer<Scalar>]
    let a: [AlignedBuffer<Scalar>]
    let da: [AlignedBuffer<Scalar>]
    /// A vector of ones (capacity long), for bias gradients.
    lazy var ones = AlignedBuffer<Scalar>(repeating: 1, count: capacity)

    deinit { values.deallocate() }

    /// The step holding each observed node's output.
    let observedSlots: [Int: Int]

    /// The output of observed node `node` (plan index) in the last forward pass: one row per sample,
    /// the node's output tensor flattened in NCHW order. Valid until the next pass.
    public func output(ofNode node: Int) -> MatrixView<Scalar> {
        guard let s = observedSlots[node] else {
            preconditionFailure("node \(node) was not observed by this workspace")
        }
        let columns = network.plan.outputShapes[node].reduce(1, *)
        return MatrixView(baseAddress: operators[s].output, rows: batchSize, columns: columns)
    }

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
        prepare(parameters, inputs: inputs)
        parameters.withUnsafeBufferPointer { theta in
            let c = context(theta.baseAddress!, gradient: nil)
            for (k, op) in operators.enumerated() {
                if k == 0, let firstLayer {
                    precondition(op is LinearOperator<Scalar>, "a first-layer combination needs a Linear first layer")
                    (op as! LinearOperator<Scalar>).forward(c, firstLayer: firstLayer)
                } else if isTraining, let sync = op as? any SynchronizingOperator<Scalar> {
                    sync.forwardPartial(c)
                    sync.combineForward([sync])
                    sync.forward(c)
                } else {
                    op.forward(c)
                }
            }
        }
        return outputView
    }

    private func prepare(_ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>) {
        precondition(inputs.rows <= capacity, "batch of \(inputs.rows) exceeds workspace capacity \(capacity)")
        precondition(
            inputs.columns == network.inputSize,
            "inputs have \(inputs.columns) features, the network takes \(network.inputSize)")
        precondition(inputs.rowStride == inputs.columns, "network inputs must be contiguous rows")
        precondition(parameters.layout == parameterLayout, "parameters do not match the workspace's network")
        batchSize = inputs.rows
        values[0] = UnsafeMutablePointer(mutating: inputs.baseAddress)
    }

    private func context(_ theta: UnsafePointer<Scalar>, gradient: UnsafeMutablePointer<Scalar>?) -> StepContext<Scalar>
    {
        StepContext(
            rows: batchSize, theta: theta, gradient: gradient, values: values, routing: routing, training: isTraining)
    }

    /// Whether a first-layer combination (``forward(_:inputs:firstLayer:)``) applies: the first step
    /// is a Linear node reading the input.
    public var supportsFirstLayerCombination: Bool { operators.first is LinearOperator<Scalar> }

    /// The first layer's weight tensor (whose product with the inputs `firstPreactivations` supplies).
    public var firstLayerWeight: TensorSpec {
        (operators[0] as? LinearOperator<Scalar>)?.weight ?? network.layout.tensors[0]
    }

    /// The output of the last forward pass.
    public var outputView: MatrixView<Scalar> {
        MatrixView(baseAddress: operators[operators.count - 1].output, rows: batchSize, columns: network.outputSize)
    }

    /// Σ_i ℓ_i of the last forward pass; with `gradient`, also seeds backward with ∂L/∂f for the
    /// batch mean L = (1/b)·Σ_i ℓ_i (or, with `meanOver`, for the mean over that many samples).
    /// Not `@_specialize(exported:)`: Swift 6.3's whole-module optimiser dropped that specialization
    /// once a second in-module caller inlined it (undefined symbol at link, release only); one
    /// generic call per batch costs nothing, and LossKernels dispatches on the precision itself.
    public func loss(_ loss: LossFunction, targets: TargetBatch<Scalar>, gradient: Bool, meanOver: Int? = nil)
        -> BatchLoss
    {
        precondition(!gradient || !isInference, "a loss gradient needs a workspace built without `inference`")
        let g = MutableMatrixView(
            baseAddress: operators[operators.count - 1].outputGradient, rows: batchSize, columns: network.outputSize)
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
        beginBackward(inputs: inputs, inputGradient: inputGradient)
        parameters.withUnsafeBufferPointer { theta in
            gradient.withUnsafeMutableBufferPointer { grad in
                let c = context(theta.baseAddress!, gradient: grad.baseAddress!)
                for k in stride(from: operators.count - 1, through: 0, by: -1) {
                    if isTraining, let sync = operators[k] as? any SynchronizingOperator<Scalar> {
                        sync.backwardPartial(c)
                        sync.combineBackward([sync])
                    }
                    operators[k].backward(c)
                }
            }
        }
    }

    private func beginBackward(inputs: MatrixView<Scalar>, inputGradient: Bool) {
        precondition(!isInference, "backward needs a workspace built without `inference`")
        precondition(inputs.rows == batchSize, "backward with \(inputs.rows) rows after a forward pass of \(batchSize)")
        routing.reset(rows: batchSize, inputGradient: inputGradient)
        routing.started[operators.count] = true  // the loss seeded the last step's gradient
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

    /// Moves θ's BatchNorm running statistics towards the statistics of the last training-mode
    /// forward pass (for a split minibatch, any part's workspace: all hold the whole batch's):
    /// running ← (1 − m)·running + m·batch, the variance unbiased (PyTorch's rule).
    public func updateRunningStatistics(_ parameters: inout ParameterVector<Scalar>) {
        let norms = operators.compactMap { $0 as? BatchNormOperator<Scalar> }
        guard isTraining, !norms.isEmpty else { return }
        parameters.withUnsafeMutableBufferPointer { theta in
            for op in norms { op.updateRunningStatistics(theta.baseAddress!) }
        }
    }

    /// Adds the last training-mode forward pass's per-batch BatchNorm statistics to `average`
    /// (see ``RunningStatisticsAverage``).
    public func addBatchStatistics(to average: RunningStatisticsAverage) {
        precondition(isTraining, "batch statistics come from a training-mode forward pass")
        average.sums.withUnsafeMutableBufferPointer { sums in
            var offset = 0
            for case let op as BatchNormOperator<Scalar> in operators {
                op.addBatchStatistics(to: sums.baseAddress! + offset)
                offset += 2 * op.channels
            }
        }
        average.batches += 1
    }

    // MARK: A minibatch split across workspaces

    /// Whether a training-mode pass of this network needs the parts of a split minibatch to
    /// exchange statistics (it has BatchNorm).
    public var needsStatisticsExchange: Bool {
        isTraining && operators.contains { $0 is any SynchronizingOperator<Scalar> }
    }

    /// Runs the forward pass of one part of a split minibatch up to the next BatchNorm, whose
    /// partial statistics it leaves for ``exchangeForward(_:)``; returns true when the pass is
    /// complete. Call with the same arguments until it returns true, exchanging in between.
    public func forwardPhase(_ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>) -> Bool {
        var k = 0
        if let pending = pendingStep {
            k = pending
        } else {
            prepare(parameters, inputs: inputs)
        }
        return parameters.withUnsafeBufferPointer { theta in
            let c = context(theta.baseAddress!, gradient: nil)
            if let pending = pendingStep {
                operators[pending].forward(c)
                pendingStep = nil
                k += 1
            }
            while k < operators.count {
                if isTraining, let sync = operators[k] as? any SynchronizingOperator<Scalar> {
                    sync.forwardPartial(c)
                    pendingStep = k
                    return false
                }
                operators[k].forward(c)
                k += 1
            }
            return true
        }
    }

    /// Combines the partial statistics the parts left at their pending BatchNorm (all parts must
    /// have stopped at the same step) into the whole minibatch's, for each part.
    public static func exchangeForward(_ parts: [NetworkWorkspace<Scalar>]) {
        exchange(parts, forward: true)
    }

    /// The backward counterpart of ``forwardPhase(_:inputs:)``: runs to the next BatchNorm, which
    /// leaves its partial gradient sums for ``exchangeBackward(_:)``; true when complete.
    public func backwardPhase(
        _ parameters: ParameterVector<Scalar>, inputs: MatrixView<Scalar>, inputGradient: Bool = false
    )
        -> Bool
    {
        var k = operators.count - 1
        if let pending = pendingStep {
            k = pending
        } else {
            beginBackward(inputs: inputs, inputGradient: inputGradient)
        }
        return parameters.withUnsafeBufferPointer { theta in
            gradient.withUnsafeMutableBufferPointer { grad in
                let c = context(theta.baseAddress!, gradient: grad.baseAddress!)
                if let pending = pendingStep {
                    operators[pending].backward(c)
                    pendingStep = nil
                    k -= 1
                }
                while k >= 0 {
                    if isTraining, let sync = operators[k] as? any SynchronizingOperator<Scalar> {
                        sync.backwardPartial(c)
                        pendingStep = k
                        return false
                    }
                    operators[k].backward(c)
                    k -= 1
                }
                return true
            }
        }
    }

    /// Sums the partial gradient sums the parts left at their pending BatchNorm.
    public static func exchangeBackward(_ parts: [NetworkWorkspace<Scalar>]) {
        exchange(parts, forward: false)
    }

    private static func exchange(_ parts: [NetworkWorkspace<Scalar>], forward: Bool) {
        guard let step = parts[0].pendingStep else { return }
        precondition(parts.allSatisfy { $0.pendingStep == step }, "parts stopped at different steps")
        let ops = parts.map { $0.operators[step] as! any SynchronizingOperator<Scalar> }
        for op in ops {
            if forward { op.combineForward(ops) } else { op.combineBackward(ops) }
        }
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
