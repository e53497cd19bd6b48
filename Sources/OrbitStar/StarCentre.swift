import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// A star (Lin, Li & Wu 2024, Def. 3): feet θ_1 … θ_r and a centre c that should be linearly
/// connected to each (the arm θ_i → c on the minimum). The pairwise view of the paper's Table 1
/// compares each pair's direct line θ_i → θ_j with the fold-line θ_i → c → θ_j (``FoldLine``).
public struct StarCentre<Scalar: BLASScalar>: Sendable {
    public var centre: ParameterVector<Scalar>
    public var feet: [ParameterVector<Scalar>]

    public init(centre: ParameterVector<Scalar>, feet: [ParameterVector<Scalar>]) {
        precondition(feet.allSatisfy { $0.layout == centre.layout }, "feet and centre with different layouts")
        self.centre = centre
        self.feet = feet
    }

    /// The arm from foot i (t = 0) to the centre (t = 1).
    public func arm(_ i: Int) -> AffinePath<Scalar> { .line(feet[i], centre) }

    /// The fold-line θ_i → c → θ_j.
    public func foldLine(_ i: Int, _ j: Int) -> FoldLine<Scalar> { FoldLine(from: feet[i], via: centre, to: feet[j]) }

    /// Every unordered pair (i, j), i < j, in lexicographic order: r(r − 1)/2 of them.
    public var pairs: [(Int, Int)] {
        feet.indices.flatMap { i in ((i + 1)..<feet.count).map { (i, $0) } }
    }

    /// ‖θ_i − c‖ for every foot, in Float64.
    public var armLengths: [Double] { feet.map { euclideanDistance($0, centre) } }
}
