import OrbitNumerics

/// Exact Hessian-vector products H·v of the mean loss L(θ) = (1/n)·Σ_i ℓ_i of any layer graph by
/// Pearlmutter's R-operator (forward-over-reverse, R{·} = ∂/∂r (·)(θ + r·v) at r = 0;
/// docs/math/curvature.md §1 and §7), on preallocated buffers: nothing is allocated per batch.
///
/// The pass at θ is the training workspace's own (``NetworkWorkspace``, with BatchNorm in
/// evaluation mode: its running statistics are constants, so the Hessian is that of the network
/// `model.eval()` computes, as PyHessian takes it). Each execution step has an R-operator
/// (``StepCurvature``): the forward R-pass carries R{output} of every step from R{inputs}, the loss
/// seeds R{∂L/∂f} (``CurvatureKernels/lossR(_:outputs:rOutputs:into:scale:)``), and the backward pass
/// runs each step's own backward (which supplies ∂L/∂output of every step) interleaved with its
/// R-backward, which adds R{∂L/∂θ} of the step's tensors to the product. Buffers (running
/// statistics) are constants: the product is zero on them and the direction's entries there are
/// never read.
///
/// Cost per batch: about one gradient (forward and backward) plus the R-passes, which per bilinear
/// step (Linear, Conv2d) are twice the gradient's products (one term each in W and in x); the other
/// kinds are O(size of their output). Unlike the dense chains' path (``HessianVectorWorkspace``) the
/// pass at θ is recomputed for every product.
///
/// Not thread-safe: use one workspace per thread.
public final class GraphHessianVectorWorkspace<Scalar: BLASScalar> {
    /// The forward/backward workspace whose activations and gradients the R-passes read.
    public let workspace: NetworkWorkspace<Scalar>
    public var network: Network { workspace.network }
    public var capacity: Int { workspace.capacity }
    let steps: [any StepCurvature<Scalar>]
    /// R{slot s} at s + 1; index 0 is the network input's R{x} = 0.
    let rValues: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>
    let rInput: AlignedBuffer<Scalar>
    let routing: GradientRouting<Scalar>
    /// ∂L/∂θ, which the steps' own backward writes on the way (a by-product, not returned).
    var gradient: ParameterVector<Scalar>
    /// The accumulated H·v (see ``accumulate(_:direction:inputs:targets:loss:meanOver:)``).
    public private(set) var product: ParameterVector<Scalar>

    /// Throws, naming the node, when a node's kind has no R-operator.
    public init(network: Network, capacity: Int) throws(NetworkError) {
        let ws = NetworkWorkspace<Scalar>(network: network, capacity: capacity)
        ws.isTraining = false
        workspace = ws
        var steps: [any StepCurvature<Scalar>] = []
        for (s, (step, op)) in zip(ws.steps, ws.operators).enumerated() {
            steps.append(
                try makeStepCurvature(
                    op, step: step, plan: network.plan, width: ws.routing.widths[s + 1], capacity: capacity))
        }
        self.steps = steps
        rInput = AlignedBuffer(repeating: 0, count: capacity * network.inputSize)
        rValues = .allocate(capacity: steps.count + 1)
        rValues.initialize(to: rInput.baseAddress)
        for (s, step) in steps.enumerated() { (rValues + s + 1).initialize(to: step.rOutput) }
        // The network input's R{∂L/∂x} is never asked for (routing `inputGradient` stays false).
        routing = GradientRouting(
            gradients: [rInput.baseAddress] + steps.map { $0.rOutputGradient }, widths: ws.routing.widths)
        gradient = ParameterVector(layout: network.layout)
        product = ParameterVector(layout: network.layout)
    }

    deinit { rValues.deallocate() }

    /// An upper estimate of the bytes a workspace of `rows` rows holds: per node output, the pass at θ's
    /// value and gradient (and a pre-activation or normalised copy) and their R{·} with one scratch,
    /// six buffers, plus the input's R{x}. Parameter-sized buffers are not counted.
    public static func byteCount(network: Network, rows: Int) -> Int {
        let values = network.plan.outputShapes.reduce(0) { $0 + $1.reduce(1, *) }
        return rows * (6 * values + network.inputSize) * MemoryLayout<Scalar>.stride
    }

    /// Sets ``product`` to zero.
    public func resetProduct() {
        product.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Adds to ``product`` the Hessian-vector product H·v of the batch's loss sum scaled by
    /// 1/`meanOver` (the batch mean by default): streamed over batches of a sample set with `meanOver`
    /// = its size, the sum is H·v of the set's mean loss. Returns the batch's Σ_i ℓ_i.
    @discardableResult
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func accumulate(
        _ parameters: ParameterVector<Scalar>, direction: ParameterVector<Scalar>, inputs: MatrixView<Scalar>,
        targets: TargetBatch<Scalar>, loss lossFunction: LossFunction, meanOver: Int? = nil
    ) -> BatchLoss {
        precondition(direction.layout == parameters.layout, "the direction does not match the parameters' layout")
        let ws = workspace
        ws.forward(parameters, inputs: inputs)
        let b = inputs.rows
        let last = steps.count - 1
        let outputs = network.outputSize
        let scale = 1 / Scalar(meanOver ?? b)
        let (steps, rValues, routing) = (self.steps, self.rValues, self.routing)
        return parameters.withUnsafeBufferPointer { theta in
            direction.withUnsafeBufferPointer { vector in
                product.withUnsafeMutableBufferPointer { out in
                    gradient.withUnsafeMutableBufferPointer { grad in
                        let c = StepContext(
                            rows: b, theta: theta.baseAddress!, gradient: grad.baseAddress!, values: ws.values,
                            routing: ws.routing, training: false)
                        let r = CurvatureContext(
                            rows: b, direction: vector.baseAddress!, product: out.baseAddress!, rValues: rValues,
                            routing: routing)
                        for step in steps { step.forwardR(c, r) }
                        let result = ws.loss(lossFunction, targets: targets, gradient: true, meanOver: meanOver)
                        CurvatureKernels.lossR(
                            lossFunction, outputs: ws.outputView,
                            rOutputs: MatrixView(baseAddress: steps[last].rOutput, rows: b, columns: outputs),
                            into: MutableMatrixView(
                                baseAddress: steps[last].rOutputGradient, rows: b, columns: outputs),
                            scale: scale)
                        // Both passes start at the loss, which seeded the last step's gradients.
                        ws.routing.reset(rows: b, inputGradient: false)
                        ws.routing.started[last + 1] = true
                        routing.reset(rows: b, inputGradient: false)
                        routing.started[last + 1] = true
                        for k in stride(from: last, through: 0, by: -1) {
                            steps[k].prepareBackwardR(c, r)
                            ws.operators[k].backward(c)
                            steps[k].backwardR(c, r)
                        }
                        return result
                    }
                }
            }
        }
    }
}
