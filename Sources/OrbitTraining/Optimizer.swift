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
        // Buffers (BatchNorm's running statistics) follow the parameters and are not trained.
        let trained = theta.layout.parameterCount
        theta.withUnsafeMutableBufferPointer { thetaBuffer in
            gradient.withUnsafeBufferPointer { gradBuffer in
                other.withUnsafeBufferPointer { otherBuffer in
                    let p = SendableMutablePointer(thetaBuffer.baseAddress!)
                    let g = SendablePointer(gradBuffer.baseAddress!)
                    let g2: SendablePointer<Scalar>? = hasTwo ? SendablePointer(otherBuffer.baseAddress!) : nil
                    parallelChunks(count: trained, costPerElement: 4) { chunk, range in
                        let bad: UInt32
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
                            preconditionFailure("optimiser step for an unsupported precision")
                        }
                        flags.pointer[min(chunk, chunks - 1)] |= Int(bad)
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
    func apply<T: FiniteTestable>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ g2: UnsafePointer<T>?,
        _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>
    ) -> UInt32 {
        let scale = T(gradientScale)
        switch (g2, gradientScale == 1) {
        case (let g2?, true): return apply(range, p, m, v, TwoGradients(g: g, g2: g2))
        case (let g2?, false): return apply(range, p, m, v, ScaledTwoGradients(g: g, g2: g2, scale: scale))
        case (nil, true): return apply(range, p, m, v, OneGradient(g: g))
        case (nil, false): return apply(range, p, m, v, ScaledOneGradient(g: g, scale: scale))
        }
    }

    @inline(__always)
    private func apply<T: FiniteTestable, G: GradientSource>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
        _ g: G
    ) -> UInt32 where G.Scalar == T {
        let lr = T(learningRate)
        switch optimizer {
        case .sgd(let momentum, let nesterov, let weightDecay):
            let mu = T(momentum), wd = T(weightDecay)
            // Loop-invariant choices are made outside the loops (constant arguments of an inlined
            // body), so each loop is branch-free and vectorises.
            switch (mu == 0, step == 1, nesterov) {
            case (true, _, _): return sgd(range, p, m, lr, 0, wd, false, false, g)
            case (false, true, false): return sgd(range, p, m, lr, mu, wd, true, false, g)
            case (false, true, true): return sgd(range, p, m, lr, mu, wd, true, true, g)
            case (false, false, false): return sgd(range, p, m, lr, mu, wd, false, false, g)
            case (false, false, true): return sgd(range, p, m, lr, mu, wd, false, true, g)
            }
        case .adam(let beta1, let beta2, let epsilon, let weightDecay),
            .adamW(let beta1, let beta2, let epsilon, let weightDecay):
            var decoupled = false
            if case .adamW = optimizer { decoupled = true }
            let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon), wd = T(weightDecay)
            let t = Double(step)
            let stepSize = lr / T(1 - Double.pow(beta1, t))
            let sqrtCorrection2 = T((1 - Double.pow(beta2, t)).squareRoot())
            let constants = AdamConstants(
                lr: lr, b1: b1, b2: b2, eps: eps, wd: wd, stepSize: stepSize, sqrtCorrection2: sqrtCorrection2)
            return decoupled
                ? adam(range, p, m, v, constants, true, g)
                : adam(range, p, m, v, constants, false, g)
        }
    }

    /// SGD with momentum μ (PyTorch's convention: buf ← μ·buf + d, the first step buf ← d; Nesterov
    /// steps along d + μ·buf), weight decay added to the gradient.
    @inline(__always)
    private func sgd<T: FiniteTestable, G: GradientSource>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ m: UnsafeMutablePointer<T>, _ lr: T, _ mu: T, _ wd: T,
        _ firstStep: Bool, _ nesterov: Bool, _ g: G
    ) -> UInt32 where G.Scalar == T {
        var bad: UInt32 = 0
        if mu == 0 {
            for i in range {
                let q = p[i] - lr * (g[i] + wd * p[i])
                p[i] = q
                bad |= T.nonFiniteFlag(q)
            }
            return bad
        }
        for i in range {
            let d = g[i] + wd * p[i]
            let buf = firstStep ? d : mu * m[i] + d
            m[i] = buf
            let q = p[i] - lr * (nesterov ? d + mu * buf : buf)
            p[i] = q
            bad |= T.nonFiniteFlag(q)
        }
        return bad
    }

    struct AdamConstants<T: BLASScalar> {
        let lr, b1, b2, eps, wd, stepSize, sqrtCorrection2: T
    }

    /// Adam (Kingma & Ba) with bias corrections; L2 weight decay in the gradient, or AdamW's
    /// decoupled decay (θ ← θ − η·λ·θ before the step) when `decoupled`.
    @inline(__always)
    private func adam<T: FiniteTestable, G: GradientSource>(
        _ range: Range<Int>, _ p: UnsafeMutablePointer<T>, _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
        _ c: AdamConstants<T>, _ decoupled: Bool, _ g: G
    ) -> UInt32 where G.Scalar == T {
        var bad: UInt32 = 0
        for i in range {
            var d = g[i]
            var pi = p[i]
            if decoupled {
                pi -= c.lr * c.wd * pi
            } else {
                d += c.wd * pi
            }
            let mi = c.b1 * m[i] + (1 - c.b1) * d
            let vi = c.b2 * v[i] + (1 - c.b2) * d * d
            m[i] = mi
            v[i] = vi
            let q = pi - c.stepSize * mi / (vi.squareRoot() / c.sqrtCorrection2 + c.eps)
            p[i] = q
            bad |= T.nonFiniteFlag(q)
        }
        return bad
    }
}

/// Float and Double with a branch-free finiteness flag: 1 when `x` is ±∞ or NaN, else 0, on the
/// bit pattern (the exponent field all ones, plus one, carries into the sign bit). Integer-only, so
/// the update loops vectorise; an `isFinite` select kept them scalar, and the optimiser pass was a
/// seventh of a training epoch.
protocol FiniteTestable: BLASScalar {
    static func nonFiniteFlag(_ x: Self) -> UInt32
}

extension Float: FiniteTestable {
    @inline(__always)
    static func nonFiniteFlag(_ x: Float) -> UInt32 { ((x.bitPattern & 0x7f80_0000) &+ 0x0080_0000) >> 31 }
}

extension Double: FiniteTestable {
    @inline(__always)
    static func nonFiniteFlag(_ x: Double) -> UInt32 {
        UInt32(truncatingIfNeeded: ((x.bitPattern & 0x7ff0_0000_0000_0000) &+ 0x0010_0000_0000_0000) >> 63)
    }
}

/// The gradient an update reads at index i: one or two parts of a split minibatch, optionally
/// scaled (a curve's bend receives c_i(t)·∇L). Types, not closures, so each loop is specialised.
protocol GradientSource {
    associatedtype Scalar: BLASScalar
    subscript(_ i: Int) -> Scalar { get }
}

struct OneGradient<Scalar: BLASScalar>: GradientSource {
    let g: UnsafePointer<Scalar>
    @inline(__always) subscript(_ i: Int) -> Scalar { g[i] }
}

struct TwoGradients<Scalar: BLASScalar>: GradientSource {
    let g, g2: UnsafePointer<Scalar>
    @inline(__always) subscript(_ i: Int) -> Scalar { g[i] + g2[i] }
}

struct ScaledOneGradient<Scalar: BLASScalar>: GradientSource {
    let g: UnsafePointer<Scalar>
    let scale: Scalar
    @inline(__always) subscript(_ i: Int) -> Scalar { scale * g[i] }
}

struct ScaledTwoGradients<Scalar: BLASScalar>: GradientSource {
    let g, g2: UnsafePointer<Scalar>
    let scale: Scalar
    @inline(__always) subscript(_ i: Int) -> Scalar { scale * (g[i] + g2[i]) }
}
