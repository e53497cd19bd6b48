import OrbitNumerics

/// What an R-pass step reads beside the ``StepContext`` of the pass at θ: the direction v, the
/// Hessian-vector product being accumulated, R{·} of every slot and the routing of R{∂L/∂·}
/// (docs/math/curvature.md §7).
struct CurvatureContext<Scalar: BLASScalar> {
    let rows: Int
    /// v, laid out as θ (its buffer coordinates are never read: buffers are constants of the loss).
    let direction: UnsafePointer<Scalar>
    /// H·v, accumulated (+=) by every step.
    let product: UnsafeMutablePointer<Scalar>
    /// R{slot s} at index s + 1; index 0, the network input (constant in θ), is zeros.
    let rValues: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>
    /// Where R{∂L/∂(slot)} goes, summed over the steps reading a slot like the gradient itself.
    let routing: GradientRouting<Scalar>

    /// R{output} of slot `s` (rows × its feature count).
    @inline(__always) func rValue(_ s: Int) -> UnsafeMutablePointer<Scalar> { rValues[s + 1] }

    /// product[tensor] += values (the tensor's element count of them).
    @inline(__always) func addToProduct(_ values: UnsafePointer<Scalar>, _ tensor: TensorSpec) {
        axpy(
            1, UnsafeBufferPointer(start: values, count: tensor.count),
            UnsafeMutableBufferPointer(start: product + tensor.offset, count: tensor.count))
    }
}

/// Pearlmutter's R-operator R{·} = ∂/∂r (·)(θ + r·v) at r = 0 of one execution step, on top of the
/// step's own operator (whose forward values at θ and ∂L/∂output it reads; docs/math/curvature.md §7).
///
/// Forward, ``forwardR(_:_:)`` writes R{output} from R{inputs}. Backward runs in three parts around
/// the operator's own backward, which overwrites ∂L/∂output in place for a fused activation (σ′):
/// ``prepareBackwardR(_:_:)`` first applies the terms that need ∂L/∂output as it arrived (σ″), then
/// the operator's backward, then ``backwardR(_:_:)`` adds R{∂L/∂θ} of the step's tensors to the
/// product and routes R{∂L/∂input}. Each conformance owns its buffers, sized for the workspace's
/// capacity; nothing is allocated per call.
protocol StepCurvature<Scalar>: AnyObject {
    associatedtype Scalar: BLASScalar
    /// R{output} (capacity × width).
    var rOutput: UnsafeMutablePointer<Scalar> { get }
    /// R{∂L/∂output}, summed from the consumers (capacity × width).
    var rOutputGradient: UnsafeMutablePointer<Scalar> { get }
    func forwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>)
    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>)
    func backwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>)
}

extension StepCurvature {
    func prepareBackwardR(_ c: StepContext<Scalar>, _ r: CurvatureContext<Scalar>) {}
}

/// The R-operator of the step `op` runs (the one switch from operators to their R-operators), or an
/// error naming the node when its kind has none — never a wrong number.
func makeStepCurvature<Scalar: BLASScalar>(
    _ op: any StepOperator<Scalar>, step: ExecutionStep, plan: NetworkPlan, width: Int, capacity: Int
) throws(NetworkError) -> any StepCurvature<Scalar> {
    let k = step.nodes[0]
    switch op {
    case let op as LinearOperator<Scalar>:
        return LinearCurvature(op, capacity: capacity)
    case let op as Conv2dOperator<Scalar>:
        guard case .conv2d(let l) = plan.nodes[k].layer else { break }
        let x = plan.inputShapes(of: k)[0]
        let geometry = Conv2dGeometry(
            inChannels: x[0], height: x[1], width: x[2], outChannels: l.outChannels, kernelHeight: l.kernel[0],
            kernelWidth: l.kernel[1], strideHeight: l.stride[0], strideWidth: l.stride[1], paddingHeight: l.padding[0],
            paddingWidth: l.padding[1])
        return Conv2dCurvature(op, geometry: geometry, capacity: capacity)
    case let op as Pool2dOperator<Scalar>:
        return Pool2dCurvature(op, width: width, capacity: capacity)
    case let op as GlobalAveragePoolOperator<Scalar>:
        return GlobalAveragePoolCurvature(op, width: width, capacity: capacity)
    case let op as ActivationOperator<Scalar>:
        return ActivationCurvature(op, capacity: capacity)
    case let op as AddOperator<Scalar>:
        return AddCurvature(op, capacity: capacity)
    case let op as FlattenOperator<Scalar>:
        return FlattenCurvature(op, capacity: capacity)
    case let op as BatchNormOperator<Scalar>:
        return BatchNormCurvature(op, capacity: capacity)
    case let op as LayerNormOperator<Scalar>:
        return LayerNormCurvature(op, capacity: capacity)
    default:
        break
    }
    let node = plan.nodes[k]
    throw .unsupported(
        reason: "node '\(node.name)' (\(node.layer.typeName)) has no exact Hessian-vector product (R-operator)")
}

/// A step's R{output} and R{∂L/∂output}: `count` values each (capacity rows × the step's width).
struct RBuffers<Scalar: BLASScalar> {
    let output: AlignedBuffer<Scalar>
    let outputGradient: AlignedBuffer<Scalar>

    init(count: Int) {
        output = AlignedBuffer(repeating: 0, count: count)
        outputGradient = AlignedBuffer(repeating: 0, count: count)
    }
}

/// A step whose R{output} and R{∂L/∂output} are its own ``RBuffers`` (every kind but the views).
protocol RBufferHolding: StepCurvature {
    var buffers: RBuffers<Scalar> { get }
}

extension RBufferHolding {
    var rOutput: UnsafeMutablePointer<Scalar> { buffers.output.baseAddress }
    var rOutputGradient: UnsafeMutablePointer<Scalar> { buffers.outputGradient.baseAddress }
}
