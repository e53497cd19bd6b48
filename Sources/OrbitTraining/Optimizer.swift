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
    @discardableResult
    public func step(_ theta: inout ParameterVector<Scalar>, gradient: ParameterVector<Scalar>, learningRate: Double)
        -> Bool
    {
        step(&theta, gradients: [gradient], learningRate: learningRate)
    }

    /// θ ← update(θ, ∇₁ + ∇₂) with the sum formed inside the one fused pass (the parts of a minibatch
    /// split across cores, see ``MinibatchGradient``); one or two gradients. `gradientScale`
    /// multiplies the gradient inside the same pass (a curve's bend receives c_i(t)·∇L).
    ///
    /// Returns whether every updated parameter is finite. A NaN or ±∞ in the gradient always makes
    /// its parameter non-finite (SGD: θ − η·∞; Adam: ∞/∞), so this is the non-finite guard at no
    /// extra pass over memory: the test rides along the update (``NonFiniteGuard/afterStep``).
    @discardableResult
    public func step(
        _ theta: inout ParameterVector<Scalar>, gradients: [ParameterVector<Scalar>], learningRate: Double,
        gradientScale: Double = 1
    ) -> Bool {
        precondition(gradients.count == 1 || gradients.count == 2, "one or two gradients per step")
        let gradient = gradients[0]
        let other = gradients[gradients.count - 1]
        let hasTwo = gradients.count == 2
        precondition(theta.count == first.count, "optimizer state for \(first.count) parameters, θ has \(theta.count)")
        stepCount += 1
        let update = Update(
            optimizer: optimizer, learningRate: learningRate, step: stepCount, gradientScale: gradientScale)
        let m = SendableMutablePointer(first.baseAddress)
        let v = SendableMutablePointer(second.baseAddress)
        let chunks = max(Threading.threadCount, 1)
        let nonFinite = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
        defer { nonFinite.deallocate() }
        nonFinite.initialize(repeating: 0, count: chunks)
        let flags = SendableMutablePointer(nonFinite)
        theta.withUnsafeMutableBufferPointer { thetaBuffer in
            gradient.withUnsafeBufferPointer { gradBuffer in
                other.withUnsafeBufferPointer { otherBuffer in
                    let p = SendableMutablePointer(thetaBuffer.baseAddress!)
                    let g = SendablePointer(gradBuffer.baseAddress!)
                    let g2: SendablePointer<Scalar>? = hasTwo ? SendablePointer(otherBuffer.baseAddress!) : nil
                    parallelChunks(count: thetaBuffer.count, costPerElement: 4) { chunk, range in
                        let bad: Int
                        switch Precision(Scalar.self) {
                        case .float:
                            bad = update.apply(
                                range, p.pointer.reinterpreted(as: Float.self), g.pointer.reinterpreted(as: Float.self),
                                g2?.pointer.reinterpreted(as: Float.self), m.pointer.reinterpreted(as: Float.self),
                                v.pointer.reinterpreted(as: Float.self))
                        case .double:
                            bad = update.apply(
                                range, p.pointer.reinterpreted(as: Double.self),
                                g.pointer.reinterpreted(as: Double.self),
                                g2?.pointer.reinterpreted(as: Double.self), m.pointer.reinterpreted(as: Double.self),
                                v.pointer.reinterpreted(as: Double.self))
                        case .other:
                            bad = update.apply(range, p.pointer, g.pointer, g2?.pointer, m.pointer, v.pointer)
                        }
                        flags.pointer[min(chunk, chunks - 1)] |= bad
                    }
                }
            }
        }
        return (0..<chunks).allSatisfy { nonFinite[$0] == 0 }
    }
}

/// One optimiser step's constants, applied elementwise (the generic kernel is specialised per
/// precision by ``OptimizerState/step(_:gradient:learningRate:)``).
struct Update: Sendable {
    let optimizer: Optimizer
    let learningRate: Double
    let step: Int
    let gradientScale: Double

    /// Returns non-zero when some updated parameter is not finite.
    @inline(__always)
    func apply<T: BLASScalar>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ g2: UnsafePointer<T>?,
        _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>
    ) -> Int {
        let scale = T(gradientScale)
        switch (g2, gradientScale == 1) {
        case (let g2?, true): return apply(range, p, m, v) { g[$0] + g2[$0] }
        case (let g2?, false): return apply(range, p, m, v) { scale * (g[$0] + g2[$0]) }
        case (nil, true): return apply(range, p, m, v) { g[$0] }
        case (nil, false): return apply(range, p, m, v) { scale * g[$0] }
        }
    }

    @inline(__always)
    private func apply<T: BLASScalar>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
        _ g: (Int) -> T
    ) -> Int {
        // An OR of "not finite" flags: an integer reduction, so the loops still vectorise.
        var bad = 0
        let lr = T(learningRate)
        switch optimizer {
        case .sgd(let momentum, let nesterov, let weightDecay):
            let mu = T(momentum), wd = T(weightDecay)
            if mu == 0 {
                for i in range {
                    let q = p[i] - lr * (g(i) + wd * p[i])
                    p[i] = q
                    bad |= q.isFinite ? 0 : 1
                }
                return bad
            }
            let firstStep = step == 1
            for i in range {
                let d = g(i) + wd * p[i]
                let buf = firstStep ? d : mu * m[i] + d
                m[i] = buf
                let q = p[i] - lr * (nesterov ? d + mu * buf : buf)
                p[i] = q
                bad |= q.isFinite ? 0 : 1
            }
        case .adam(let beta1, let beta2, let epsilon, let weightDecay),
            .adamW(let beta1, let beta2, let epsilon, let weightDecay):
            var decoupled = false
            if case .adamW = optimizer { decoupled = true }
            let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon), wd = T(weightDecay)
            let t = Double(step)
            let stepSize = lr / T(1 - Double.pow(beta1, t))
            let sqrtCorrection2 = T((1 - Double.pow(beta2, t)).squareRoot())
            for i in range {
                var d = g(i)
                if decoupled {
                    p[i] -= lr * wd * p[i]
                } else {
                    d += wd * p[i]
                }
                let mi = b1 * m[i] + (1 - b1) * d
                let vi = b2 * v[i] + (1 - b2) * d * d
                m[i] = mi
                v[i] = vi
                let q = p[i] - stepSize * mi / (vi.squareRoot() / sqrtCorrection2 + eps)
                p[i] = q
                bad |= q.isFinite ? 0 : 1
            }
        }
        return bad
    }
}
