import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// Lin, Li & Wu's two-piece path θ_i → c → θ_j through a centre c (Fig. 1 and 5; docs/math/paths.md §1):
/// θ(s) = 2s·c + (1 − 2s)·θ_i for s < ½ and (2s − 1)·θ_j + (2 − 2s)·c after. When both arms stay on
/// the minimum, its length bounds the geodesic distance, hence the normalised geodesic distance
/// bound of Eq. 8 (``normalizedGeodesicDistanceBound``).
public struct FoldLine<Scalar: BLASScalar>: Sendable {
    public var start: ParameterVector<Scalar>
    public var centre: ParameterVector<Scalar>
    public var end: ParameterVector<Scalar>

    public init(
        from start: ParameterVector<Scalar>, via centre: ParameterVector<Scalar>, to end: ParameterVector<Scalar>
    ) {
        precondition(
            start.layout == centre.layout && centre.layout == end.layout, "fold-line points with different layouts")
        self.start = start
        self.centre = centre
        self.end = end
    }

    /// The fold-line as an affine path (for ``PathEvaluator``).
    public var path: AffinePath<Scalar> { .foldLine(start, via: centre, end) }

    /// The straight line θ_i → θ_j it is compared with.
    public var directPath: AffinePath<Scalar> { .line(start, end) }

    /// (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖ ≥ 1 (Eq. 8), in Float64; throws when θ_i = θ_j.
    public func normalizedGeodesicDistanceBound() throws(StarError) -> Double {
        try OrbitStar.normalizedGeodesicDistanceBound(start, via: centre, end)
    }
}

/// The upper bound on the normalised geodesic distance G(θ₁, θ₂) that a centre c certifies (Lin, Li
/// & Wu 2024, Def. 4 and Eq. 8): (‖θ₁ − c‖ + ‖c − θ₂‖)/‖θ₁ − θ₂‖, the length of the fold-line
/// θ₁ → c → θ₂ over the chord. It is a bound on G only when both arms have (near) zero loss; it is
/// ≥ 1 by the triangle inequality, with equality iff c lies on the segment. Distances are
/// accumulated in Float64. O(|θ|). Throws ``StarError/coincidentPoints`` when θ₁ = θ₂.
public func normalizedGeodesicDistanceBound<Scalar: BLASScalar>(
    _ a: ParameterVector<Scalar>, via c: ParameterVector<Scalar>, _ b: ParameterVector<Scalar>
) throws(StarError) -> Double {
    let chord = euclideanDistance(a, b)
    guard chord > 0 else { throw .coincidentPoints }
    return (euclideanDistance(a, c) + euclideanDistance(c, b)) / chord
}

/// ‖a − b‖₂ accumulated in Float64 (the difference of two Float vectors would lose digits for
/// nearby points if it were formed in Float32 and normed there).
public func euclideanDistance<Scalar: BLASScalar>(_ a: ParameterVector<Scalar>, _ b: ParameterVector<Scalar>)
    -> Double
{
    precondition(a.layout == b.layout, "distance between parameter vectors with different layouts")
    return a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            switch Precision(Scalar.self) {
            case .float:
                return squaredDistance(
                    x.baseAddress!.reinterpreted(as: Float.self), y.baseAddress!.reinterpreted(as: Float.self), x.count
                )
                .squareRoot()
            case .double:
                return squaredDistance(
                    x.baseAddress!.reinterpreted(as: Double.self), y.baseAddress!.reinterpreted(as: Double.self),
                    x.count
                ).squareRoot()
            case .other: return squaredDistance(x.baseAddress!, y.baseAddress!, x.count).squareRoot()
            }
        }
    }
}

@inline(__always)
func squaredDistance<T: BLASScalar>(_ x: UnsafePointer<T>, _ y: UnsafePointer<T>, _ n: Int) -> Double {
    var s = 0.0
    for i in 0..<n {
        let d = Double(x[i]) - Double(y[i])
        s += d * d
    }
    return s
}
