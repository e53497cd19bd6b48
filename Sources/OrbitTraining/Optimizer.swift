import OrbitNetworks
import OrbitNumerics

/// An optimiser and its hyper-parameters (PyTorch's semantics, so runs can be compared).
public enum Optimizer: Hashable, Sendable, Codable {
    /// SGD: g ← ∇ + λθ; with momentum μ: v ← μv + g (v₁ = g), step along g + μv (Nesterov) or v.
    case sgd(momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0)
    /// Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient, as `torch.optim.Adam`.
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0)
    /// AdamW (Loshchilov & Hutter 2019): decoupled decay θ ← θ − ηλθ, then Adam.
    case adamW(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01)

    /// A short human-readable description for reports.
    public var summary: String {
        switch self {
        case .sgd(let m, let n, let wd): return "SGD(momentum \(m)\(n ? ", Nesterov" : ""), weight decay \(wd))"
        case .adam(let b1, let b2, let e, let wd): return "Adam(β=(\(b1), \(b2)), ε=\(e), weight decay \(wd))"
        case .adamW(let b1, let b2, let e, let wd): return "AdamW(β=(\(b1), \(b2)), ε=\(e), weight decay \(wd))"
        }
    }
}

/// The optimiser's state (momentum, moment estimates) for one parameter vector. One fused pass over
/// θ per step; large vectors are split across the cores.
public final class OptimizerState<Scalar: BLASScalar> {
    public let optimizer: Optimizer
    /// Steps taken so far (Adam's bias correction uses it).
    public private(set) var stepCount = 0
    var first: AlignedBuffer<Scalar>
    var second: AlignedBuffer<Scalar>

    public init(_ optimizer: Optimizer, count: Int) {
        self.optimizer = optimizer
        first = AlignedBuffer(repeating: 0, count: count)
        switch optimizer {
        case .sgd: second = AlignedBuffer(repeating: 0, count: 0)
        case .adam, .adamW: second = AlignedBuffer(repeating: 0, count: count)
        }
    }

    /// The state as flat arrays, for checkpoints: (step, first moments, second moments).
    public var snapshot: (step: Int, first: [Scalar], second: [Scalar]) {
        (stepCount, Array(first.buffer), Array(second.buffer))
    }

    /// Restores a ``snapshot``.
    public func restore(step: Int, first f: [Scalar], second s: [Scalar]) {
        precondition(f.count == first.count && s.count == second.count, "optimizer state of the wrong size")
        stepCount = step
        f.withUnsafeBufferPointer { first.baseAddress.update(from: $0.baseAddress!, count: f.count) }
        s.withUnsafeBufferPointer { if let b = $0.baseAddress { second.baseAddress.update(from: b, count: s.count) } }
    }

    /// θ ← update(θ, ∇) with learning rate η.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func step(_ theta: inout ParameterVector<Scalar>, gradient: ParameterVector<Scalar>, learningRate: Double) {
        precondition(theta.count == first.count, "optimizer state for \(first.count) parameters, θ has \(theta.count)")
        stepCount += 1
        let lr = Scalar(learningRate)
        let m = SendableMutablePointer(first.baseAddress)
        let v = SendableMutablePointer(second.baseAddress)
        let isFirstStep = stepCount == 1
        let t = Double(stepCount)
        theta.withUnsafeMutableBufferPointer { thetaBuffer in
            gradient.withUnsafeBufferPointer { gradBuffer in
                let p = SendableMutablePointer(thetaBuffer.baseAddress!)
                let g = SendablePointer(gradBuffer.baseAddress!)
                switch optimizer {
                case .sgd(let momentum, let nesterov, let weightDecay):
                    let mu = Scalar(momentum), wd = Scalar(weightDecay)
                    parallelChunks(count: thetaBuffer.count, costPerElement: 2) { _, range in
                        for i in range {
                            var d = g.pointer[i] + wd * p.pointer[i]
                            if mu != 0 {
                                let buf = isFirstStep ? d : mu * m.pointer[i] + d
                                m.pointer[i] = buf
                                d = nesterov ? d + mu * buf : buf
                            }
                            p.pointer[i] -= lr * d
                        }
                    }
                case .adam(let beta1, let beta2, let epsilon, let weightDecay),
                    .adamW(let beta1, let beta2, let epsilon, let weightDecay):
                    let decoupled: Bool
                    if case .adamW = optimizer { decoupled = true } else { decoupled = false }
                    let b1 = Scalar(beta1), b2 = Scalar(beta2), eps = Scalar(epsilon), wd = Scalar(weightDecay)
                    let correction1 = Scalar(1 - Double.pow(beta1, t))
                    let sqrtCorrection2 = Scalar((1 - Double.pow(beta2, t)).squareRoot())
                    let stepSize = lr / correction1
                    parallelChunks(count: thetaBuffer.count, costPerElement: 4) { _, range in
                        for i in range {
                            var d = g.pointer[i]
                            if decoupled {
                                p.pointer[i] -= lr * wd * p.pointer[i]
                            } else {
                                d += wd * p.pointer[i]
                            }
                            let mi = b1 * m.pointer[i] + (1 - b1) * d
                            let vi = b2 * v.pointer[i] + (1 - b2) * d * d
                            m.pointer[i] = mi
                            v.pointer[i] = vi
                            p.pointer[i] -= stepSize * mi / (vi.squareRoot() / sqrtCorrection2 + eps)
                        }
                    }
                }
            }
        }
    }
}
