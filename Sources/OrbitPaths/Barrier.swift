/// The barrier definitions in use in the literature (docs/math/paths.md §2). The papers do not agree on one,
/// so Orbit reports every one, each under its name, on train and test, for loss and accuracy.
public enum BarrierDefinition: String, CaseIterable, Hashable, Sendable, Codable {
    /// max_t [L(t) − ((1 − t)·L(0) + t·L(1))] (Entezari et al. 2022; Ferbach et al.'s ε-LMC).
    case convexCombination = "convex_combination"
    /// max_t L(t) − ½(L(0) + L(1)) (Frankle et al. 2020 on error; Git Re-Basin on loss).
    case meanEndpoint = "mean_endpoint"
    /// L(½), absolute (Ferbach et al.'s code; Zhao et al. Prop 5.3).
    case midpoint = "midpoint"
    /// max_t L(t) (Lin, Li & Wu 2024, Tables 1–2, averaged over pairs).
    case pathMaximum = "path_max"

    /// The formula, for reports.
    public var formula: String {
        switch self {
        case .convexCombination: return "max_t [L(t) − ((1−t)·L(0) + t·L(1))]"
        case .meanEndpoint: return "max_t L(t) − (L(0) + L(1))/2"
        case .midpoint: return "L(1/2)"
        case .pathMaximum: return "max_t L(t)"
        }
    }

    /// The formula for accuracy A, where a barrier is a drop: the convex-combination and
    /// mean-endpoint barriers become max_t [interpolated end-point accuracy − A(t)], the midpoint
    /// reports A(½), the path maximum becomes the path minimum min_t A(t).
    public var accuracyFormula: String {
        switch self {
        case .convexCombination: return "max_t [((1−t)·A(0) + t·A(1)) − A(t)]"
        case .meanEndpoint: return "(A(0) + A(1))/2 − min_t A(t)"
        case .midpoint: return "A(1/2)"
        case .pathMaximum: return "min_t A(t)"
        }
    }

    /// The barrier of a profile of values `v` at increasing `t` (t₀ = 0, t_last = 1). For accuracy
    /// (`higherIsBetter`), see ``accuracyFormula``. Returns the value and the t where it is attained.
    /// The midpoint needs t = ½ on the grid (the evaluator always includes it).
    ///
    /// Non-finite profiles (a diverged point must never vanish from a barrier): an extremum over a
    /// path with a NaN point is +∞ when some point already makes it +∞ (nothing exceeds it), and
    /// otherwise NaN, reported at the first NaN's t — skipping the point would report a finite
    /// barrier for a path that diverged. Where the formula itself meets ∞ − ∞ or 0·∞ (an infinite
    /// end point), the barrier is NaN. The midpoint is L(½) whatever the other points are.
    public func evaluate(t: [Double], values v: [Double], higherIsBetter: Bool = false) -> (value: Double, at: Double)?
    {
        guard t.count == v.count, t.count >= 2, t.first == 0, t.last == 1 else { return nil }
        let first = v.first!, last = v.last!
        let firstNaN = v.firstIndex(where: \.isNaN).map { t[$0] }
        let extremum: (value: Double, at: Double)
        switch self {
        case .convexCombination:
            var best = -Double.infinity, at = 0.0
            var undefinedAt: Double? = nil
            for (ti, vi) in zip(t, v) {
                let interpolated = (1 - ti) * first + ti * last
                let excess = higherIsBetter ? interpolated - vi : vi - interpolated
                if excess.isNaN, undefinedAt == nil { undefinedAt = ti }
                if excess > best { (best, at) = (excess, ti) }
            }
            if best == .infinity { return (best, at) }
            if let undefinedAt { return (.nan, undefinedAt) }
            extremum = (best, at)
        case .meanEndpoint:
            let mean = (first + last) / 2
            let (extreme, at) = higherIsBetter ? minimum(t, v) : maximum(t, v)
            extremum = (higherIsBetter ? mean - extreme : extreme - mean, at)
        case .midpoint:
            guard let i = t.firstIndex(where: { abs($0 - 0.5) < 1e-12 }) else { return nil }
            return (v[i], 0.5)
        case .pathMaximum:
            extremum = higherIsBetter ? minimum(t, v) : maximum(t, v)
        }
        if extremum.value == .infinity || extremum.value.isNaN { return extremum }
        if let firstNaN { return (.nan, firstNaN) }
        return extremum
    }

    private func maximum(_ t: [Double], _ v: [Double]) -> (Double, Double) {
        var best = -Double.infinity, at = 0.0
        for (ti, vi) in zip(t, v) where vi > best { (best, at) = (vi, ti) }
        return (best, at)
    }

    private func minimum(_ t: [Double], _ v: [Double]) -> (Double, Double) {
        var best = Double.infinity, at = 0.0
        for (ti, vi) in zip(t, v) where vi < best { (best, at) = (vi, ti) }
        return (best, at)
    }
}

/// One barrier value: which definition, on which split, of which metric.
public struct Barrier: Hashable, Sendable, Codable {
    public var definition: BarrierDefinition
    public var split: String
    /// `loss` or `accuracy`.
    public var metric: String
    public var value: Double
    /// The t at which the maximum (or minimum) is attained.
    public var at: Double
}
