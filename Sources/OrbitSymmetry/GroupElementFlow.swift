import OrbitNumerics

/// A path h(t), t ∈ [0, 1], inside GL⁺(h) from the identity to a group element g, with its inverse —
/// one factor of the orbit curve γ(t) = h(t)·w (Zhao, Dehmamy, Walters, Yu, ICML 2025, Eq. 5).
///
/// - ``principal``: h(t) = e^{tM}, M = log g (the principal real logarithm) — a one-parameter
///   subgroup, exactly Eq. 5.
/// - ``polar``: the documented fallback when g has no real principal logarithm (a negative real
///   eigenvalue) but det g > 0. With g = Q·P (polar decomposition, P symmetric positive definite,
///   Q ∈ SO(h)): first h(t) = e^{2t·log P} for t ∈ [0, ½], then h(t) = e^{(2t−1)·log Q}·P for
///   t ∈ [½, 1]. log P always exists; log Q is the skew-symmetric logarithm of a rotation (which
///   exists for every Q ∈ SO(h), see ``OrthogonalLogarithm``). Continuous, piecewise smooth (a kink at
///   t = ½), and every h(t) is still a symmetry, so the loss is constant along it.
///
/// Cost per evaluation: one or two expm of order h (O(h³) each) for h(t) and as many for h(t)⁻¹
/// (computed as e^{−…}, never by inversion).
public enum GroupElementFlow: Sendable {
    case principal(logarithm: Matrix<Double>)
    case polar(logP: Matrix<Double>, logQ: Matrix<Double>)

    /// The flow to `g` for hidden layer `layer` (1-based, for error messages).
    /// - Throws: ``SymmetryError/differentComponents(layer:determinant:)`` if det g < 0 (no path in
    ///   GL⁺ exists), ``SymmetryError/noRealLogarithm(layer:reason:)`` if the polar factor Q's
    ///   logarithm cannot be formed, ``SymmetryError/numerics(_:)`` for failures of the routines.
    public init(to g: Matrix<Double>, layer: Int) throws(SymmetryError) {
        let determinant: Double
        do { determinant = try g.determinant() } catch { throw .numerics(error) }
        guard determinant > 0 else {
            if determinant < 0 { throw .differentComponents(layer: layer, determinant: determinant) }
            throw .invalidGroupElement(layer: layer, reason: "g is singular")
        }
        do {
            self = .principal(logarithm: try g.logm())
            return
        } catch .noRealLogarithm {
            // A negative real eigenvalue (necessarily of even total multiplicity, det g > 0): fall back.
        } catch {
            throw .numerics(error)
        }
        let polar: PolarDecomposition
        let logP: Matrix<Double>
        do {
            polar = try g.polarDecomposition()
            logP = try polar.p.logm()
        } catch { throw .numerics(error) }
        var logQ: Matrix<Double>
        do {
            logQ = try polar.q.logm()
        } catch .noRealLogarithm {
            do {
                logQ = try OrthogonalLogarithm.logarithm(polar.q)
            } catch {
                switch error {
                case .noRealLogarithm(let reason):
                    throw .noRealLogarithm(layer: layer, reason: "its orthogonal polar factor Q: \(reason)")
                case .numerics(let inner):
                    throw .numerics(inner)
                }
            }
        } catch {
            throw .numerics(error)
        }
        self = .polar(logP: logP, logQ: logQ)
    }

    /// Whether the polar fallback is in use.
    public var isPolar: Bool {
        if case .polar = self { return true }
        return false
    }

    /// (h(t), h(t)⁻¹).
    public func element(at t: Double) -> (element: Matrix<Double>, inverse: Matrix<Double>) {
        switch self {
        case .principal(let m):
            return (Self.exp(t * m), Self.exp(-t * m))
        case .polar(let logP, let logQ):
            let s1 = min(max(2 * t, 0), 1)
            let s2 = min(max(2 * t - 1, 0), 1)
            let p = Self.exp(s1 * logP)
            let pInverse = Self.exp(-s1 * logP)
            if s2 == 0 { return (p, pInverse) }
            return (Self.exp(s2 * logQ) * p, pInverse * Self.exp(-s2 * logQ))
        }
    }

    /// expm of a finite matrix of moderate norm (t·log g for t ∈ [0, 1]) does not fail; a failure
    /// would be an overflow from an absurd g, which the constructor's logm would already have exposed.
    static func exp(_ m: Matrix<Double>) -> Matrix<Double> {
        do { return try m.expm() } catch { preconditionFailure("matrix exponential failed on t·log g: \(error)") }
    }
}
