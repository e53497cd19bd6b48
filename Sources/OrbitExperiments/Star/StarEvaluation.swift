import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitStar
import OrbitTraining

/// One pair of minima seen two ways: the direct line θ_i → θ_j and the fold-line θ_i → c → θ_j
/// through the centre, with the normalised geodesic distance bound the fold-line certifies.
public struct StarPair: Sendable {
    public var first: String
    public var second: String
    public var direct: PathProfile
    public var fold: PathProfile
    /// (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖ (Lin, Li & Wu 2024, Eq. 8).
    public var normalizedGeodesicDistanceBound: Double
}

/// Everything the star report shows: each foot's arm to the centre, every pair of fitted feet
/// (Table 1 of Lin, Li & Wu 2024), and the held-out feet — minima not used to fit the centre, paired
/// with every fitted foot (Sonthalia et al.'s star-domain test; docs/math/star.md §5).
public struct StarEvaluation: Sendable {
    public var feet: [String]
    public var heldOut: [String]
    /// foot i (t = 0) → centre (t = 1), one per fitted foot.
    public var arms: [PathProfile]
    /// held-out foot h → centre.
    public var heldOutArms: [PathProfile]
    public var pairs: [StarPair]
    /// (fitted foot i, held-out foot h) for every i and h.
    public var heldOutPairs: [StarPair]
    /// The grid each arm is evaluated on.
    public var t: [Double]

    /// The mean over `pairs` of a barrier on one split: `direct` picks the straight lines, else the fold-lines.
    public static func mean(
        _ pairs: [StarPair], direct: Bool, definition: BarrierDefinition = .pathMaximum, split: String = "train",
        metric: String = "loss"
    ) -> Double? {
        let values = pairs.compactMap {
            (direct ? $0.direct : $0.fold).barrier(definition, split: split, metric: metric)
        }
        guard !values.isEmpty, values.count == pairs.count else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}

/// Evaluates a star: every arm once (a straight line, fused by ``PathEvaluator``), every pair's direct
/// line, and each pair's fold-line assembled from its two arms (the fold-line at s ∈ [0, ½] is arm i at
/// t = 2s, and at s ∈ [½, 1] arm j at t = 2 − 2s), so r feet cost r + r(r − 1)/2 line profiles
/// instead of r(r − 1). `points` values of t per arm (½ included) give 2·points − 1 per fold-line.
/// `batchNorm` sets the running statistics at every point (``PathEvaluator/batchNorm``); with reset,
/// the centre's own are recomputed at the arms' end, so the fold-line assembled from the arms is
/// what a reset of each of its points would measure.
public func evaluateStar<Scalar: BLASScalar>(
    _ star: StarCentre<Scalar>, names: [String], heldOut: [ParameterVector<Scalar>] = [],
    heldOutNames: [String] = [], network: Network, dataset: Dataset, points: Int = 25, batchSize: Int = 1000,
    loss: LossFunction? = nil, batchNorm: BatchNormHandling = .reset
) throws -> StarEvaluation {
    precondition(names.count == star.feet.count && heldOutNames.count == heldOut.count, "one name per foot")
    let evaluator = PathEvaluator(network: network, batchSize: batchSize, loss: loss, batchNorm: batchNorm)
    let t = PathProfile.grid(points: points)
    func armProfile(_ foot: ParameterVector<Scalar>, _ name: String) throws -> PathProfile {
        try evaluator.profile(AffinePath.line(foot, star.centre), on: dataset, t: t, name: "\(name) → centre")
    }
    let arms = try zip(star.feet, names).map { try armProfile($0, $1) }
    let heldOutArms = try zip(heldOut, heldOutNames).map { try armProfile($0, $1) }
    func pair(
        _ a: ParameterVector<Scalar>, _ aName: String, _ armA: PathProfile, _ b: ParameterVector<Scalar>,
        _ bName: String, _ armB: PathProfile
    ) throws -> StarPair {
        let direct = try evaluator.profile(AffinePath.line(a, b), on: dataset, t: t, name: "\(aName) → \(bName)")
        var foldT = armA.t.map { $0 / 2 }
        var splits: [String: [SplitMetrics]] = [:]
        for (split, metricsA) in armA.splits {
            let metricsB = armB.splits[split]!
            splits[split] = metricsA + metricsB.reversed().dropFirst()
        }
        foldT += armB.t.reversed().dropFirst().map { 1 - $0 / 2 }
        let ca = euclideanDistance(a, star.centre), cb = euclideanDistance(star.centre, b)
        let chord = euclideanDistance(a, b)
        let fold = PathProfile(
            measured: "\(aName) → centre → \(bName)", kind: "fold-line via centre", t: foldT, splits: splits,
            length: ca + cb, chordLength: chord)
        let bound = try normalizedGeodesicDistanceBound(a, via: star.centre, b)
        return StarPair(
            first: aName, second: bName, direct: direct, fold: fold, normalizedGeodesicDistanceBound: bound)
    }
    var pairs: [StarPair] = []
    for (i, j) in star.pairs {
        pairs.append(try pair(star.feet[i], names[i], arms[i], star.feet[j], names[j], arms[j]))
    }
    var heldOutPairs: [StarPair] = []
    for (h, held) in heldOut.enumerated() {
        for i in star.feet.indices {
            heldOutPairs.append(
                try pair(star.feet[i], names[i], arms[i], held, heldOutNames[h], heldOutArms[h]))
        }
    }
    return StarEvaluation(
        feet: names, heldOut: heldOutNames, arms: arms, heldOutArms: heldOutArms, pairs: pairs,
        heldOutPairs: heldOutPairs, t: t)
}
