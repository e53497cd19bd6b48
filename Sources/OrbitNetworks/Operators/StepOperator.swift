import OrbitNumerics

/// What one execution step reads while it runs: the batch, θ and ∂θ, and the outputs of the steps
/// before it (slot s is step s's output, slot −1 the network input).
struct StepContext<Scalar: BLASScalar> {
    let rows: Int
    let theta: UnsafePointer<Scalar>
    /// ∂L/∂θ, written by backward (nil in forward).
    let gradient: UnsafeMutablePointer<Scalar>?
    let values: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>
    let routing: GradientRouting<Scalar>
    /// Training mode: BatchNorm normalises with the batch's statistics.
    let training: Bool

    /// The output of slot `s` (rows × its feature count).
    @inline(__always) func value(_ s: Int) -> UnsafeMutablePointer<Scalar> { values[s + 1] }
}

/// Where the gradients with respect to each slot go in a backward pass. A slot read by several
/// steps receives the sum of their contributions: the first one writes, later ones add.
final class GradientRouting<Scalar: BLASScalar> {
    /// ∂L/∂(slot s) at index s + 1 (index 0: the network input).
    let gradients: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>
    /// Features per sample of each slot (index s + 1).
    let widths: [Int]
    var started: [Bool]
    /// Whether ∂L/∂x of the network input is wanted in this pass.
    var inputGradient = false
    var rows = 0

    init(gradients: [UnsafeMutablePointer<Scalar>], widths: [Int]) {
        self.gradients = .allocate(capacity: gradients.count)
        self.gradients.initialize(from: gradients, count: gradients.count)
        self.widths = widths
        started = Array(repeating: false, count: gradients.count)
    }

    deinit { gradients.deallocate() }

    func reset(rows: Int, inputGradient: Bool) {
        self.rows = rows
        self.inputGradient = inputGradient
        for i in started.indices { started[i] = false }
    }

    /// Whether slot `s` takes a gradient in this pass (the input only on request).
    @inline(__always) func wants(_ s: Int) -> Bool { s >= 0 || inputGradient }

    /// The gradient buffer of slot `s` and whether the contribution must be added (the slot already
    /// holds one); marks the slot as holding one.
    @inline(__always) func target(_ s: Int) -> (pointer: UnsafeMutablePointer<Scalar>, accumulate: Bool) {
        let accumulate = started[s + 1]
        started[s + 1] = true
        return (gradients[s + 1], accumulate)
    }

    /// ∂L/∂(slot s) ← (+=) α·g for a rows × width block g.
    func add(_ g: UnsafePointer<Scalar>, scale: Scalar = 1, to s: Int) {
        guard wants(s) else { return }
        let (target, accumulate) = target(s)
        let n = rows * widths[s + 1]
        if accumulate {
            axpy(scale, UnsafeBufferPointer(start: g, count: n), UnsafeMutableBufferPointer(start: target, count: n))
        } else {
            target.update(from: g, count: n)
            if scale != 1 { scal(scale, UnsafeMutableBufferPointer(start: target, count: n)) }
        }
    }
}

/// The kernels of one execution step: forward writes ``output``; backward reads ``outputGradient``
/// (∂L/∂output, which it may overwrite), adds ∂L/∂θ of its tensors into the context's gradient and
/// routes ∂L/∂input to the slots it reads. Each operator owns its buffers, sized for the
/// workspace's capacity; nothing is allocated per call.
protocol StepOperator<Scalar>: AnyObject {
    associatedtype Scalar: BLASScalar
    var output: UnsafeMutablePointer<Scalar> { get }
    var outputGradient: UnsafeMutablePointer<Scalar> { get }
    func forward(_ c: StepContext<Scalar>)
    func backward(_ c: StepContext<Scalar>)
}

/// A step whose training-mode forward and backward need sums over the whole minibatch (BatchNorm).
/// When the batch is split across workspaces, each computes its partial sums, the parts' sums are
/// combined (``combineForward(_:)``/``combineBackward(_:)``, called on every part with all parts),
/// and each part finishes with ``forward(_:)``/``backward(_:)``.
protocol SynchronizingOperator<Scalar>: StepOperator {
    func forwardPartial(_ c: StepContext<Scalar>)
    func backwardPartial(_ c: StepContext<Scalar>)
    func combineForward(_ parts: [any SynchronizingOperator<Scalar>])
    func combineBackward(_ parts: [any SynchronizingOperator<Scalar>])
}
