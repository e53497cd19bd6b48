import OrbitNetworks
import OrbitNumerics

/// A path that is affine in its control points: θ(t) = Σ_i c_i(t)·P_i, Σ_i c_i(t) = 1.
///
/// Only the coefficient functions differ between kinds (the idea of Garipov et al. 2018's
/// `curves.py`):
/// - **line** P₀ → P₁: c = (1 − t, t);
/// - **fold-line** through a centre (Lin, Li & Wu 2024's two-piece path θ_i → c → θ_j, docs/math/paths.md §1):
///   P₀ = θ_i, P₁ = c, P₂ = θ_j; c = (1 − 2t, 2t, 0) for t < ½ and (0, 2 − 2t, 2t − 1) after;
/// - **polygonal chain** with k bends: k + 1 segments with uniform knots t = j/(k + 1);
/// - **Bézier** of degree n: Bernstein coefficients c_i(t) = C(n, i)·tⁱ(1 − t)ⁿ⁻ⁱ.
/// The fold-line is the polygonal chain with one bend; it is kept as its own kind for reports.
public struct AffinePath<Scalar: BLASScalar>: ParameterPath, Sendable {
    public enum Kind: Hashable, Sendable, Codable {
        case line
        case foldLine
        case polygonalChain
        case bezier
    }

    public let kind: Kind
    /// P₀ … P_k; the first and last are the path's end points.
    public var controlPoints: [ParameterVector<Scalar>]

    public init(kind: Kind, controlPoints: [ParameterVector<Scalar>]) {
        precondition(controlPoints.count >= 2, "a path needs at least two control points")
        precondition(
            controlPoints.allSatisfy { $0.layout == controlPoints[0].layout }, "control points with different layouts")
        switch kind {
        case .line: precondition(controlPoints.count == 2, "a line has two control points")
        case .foldLine: precondition(controlPoints.count == 3, "a fold-line has three control points (ends and centre)")
        case .polygonalChain, .bezier: break
        }
        self.kind = kind
        self.controlPoints = controlPoints
    }

    /// The straight line from `a` to `b`.
    public static func line(_ a: ParameterVector<Scalar>, _ b: ParameterVector<Scalar>) -> AffinePath {
        AffinePath(kind: .line, controlPoints: [a, b])
    }

    /// Lin et al.'s two-piece path a → centre → b.
    public static func foldLine(
        _ a: ParameterVector<Scalar>, via centre: ParameterVector<Scalar>, _ b: ParameterVector<Scalar>
    ) -> AffinePath {
        AffinePath(kind: .foldLine, controlPoints: [a, centre, b])
    }

    public var layout: ParameterLayout { controlPoints[0].layout }

    public var kindDescription: String {
        switch kind {
        case .line: return "line"
        case .foldLine: return "fold-line via centre"
        case .polygonalChain: return "polygonal chain (\(controlPoints.count - 2) bends)"
        case .bezier: return "Bézier (degree \(controlPoints.count - 1))"
        }
    }

    /// c(t), one coefficient per control point; they sum to one.
    public func coefficients(at t: Double) -> [Double] {
        Self.coefficients(kind: kind, count: controlPoints.count, at: t)
    }

    /// c(t) for a path of `kind` with `count` control points.
    public static func coefficients(kind: Kind, count: Int, at t: Double) -> [Double] {
        let t = min(max(t, 0), 1)
        var c = [Double](repeating: 0, count: count)
        switch kind {
        case .line, .foldLine, .polygonalChain:
            let segments = Double(count - 1)
            let s = t * segments
            let j = min(Int(s), count - 2)
            let u = s - Double(j)
            c[j] = 1 - u
            c[j + 1] += u
        case .bezier:
            let n = count - 1
            var binomial = 1.0
            for i in 0...n {
                c[i] = binomial * integerPower(t, i) * integerPower(1 - t, n - i)
                binomial = binomial * Double(n - i) / Double(i + 1)
            }
        }
        return c
    }

    /// c′(t) = dc/dt (one-sided at the knots of a chain: the right derivative, the left one at t = 1).
    public func coefficientDerivatives(at t: Double) -> [Double] {
        let count = controlPoints.count
        var d = [Double](repeating: 0, count: count)
        switch kind {
        case .line, .foldLine, .polygonalChain:
            let segments = Double(count - 1)
            let j = min(Int(min(max(t, 0), 1) * segments), count - 2)
            d[j] = -segments
            d[j + 1] = segments
        case .bezier:
            // d/dt Σ B_{i,n}(t) P_i = n Σ B_{i,n−1}(t)(P_{i+1} − P_i).
            let n = count - 1
            let lower = Self.coefficients(kind: .bezier, count: n, at: t)
            for i in 0..<n {
                d[i] -= Double(n) * lower[i]
                d[i + 1] += Double(n) * lower[i]
            }
        }
        return d
    }

    public func point(at t: Double) -> ParameterVector<Scalar> {
        ParameterVector.combination(coefficients(at: t).map { Scalar($0) }, controlPoints)
    }
}

/// xⁿ by repeated multiplication, with 0⁰ = 1 (Bernstein polynomials need it; `pow` gives NaN there).
@inline(__always)
func integerPower(_ x: Double, _ n: Int) -> Double {
    var result = 1.0
    for _ in 0..<n { result *= x }
    return result
}
