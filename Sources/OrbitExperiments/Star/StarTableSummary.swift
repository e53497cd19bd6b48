import OrbitPaths

/// Lin, Li & Wu's Table 1 row from a star evaluation (docs/math/star.md): the direct lines' and the
/// fold-lines' path-max train loss, path-min train accuracy and mean-endpoint loss barrier, each
/// averaged over the pairs, and the criterion fixed before any run — the fold-lines' mean-endpoint
/// barrier at most 10 % of the direct lines' with a higher minimum accuracy. Shared by the FNN and VGG rows.
struct StarTableSummary {
    let directLoss: Double, foldLoss: Double
    let directAccuracy: Double, foldAccuracy: Double
    let directExcess: Double, foldExcess: Double

    init(_ pairs: [StarPair]) {
        func m(_ direct: Bool, _ metric: String = "loss", _ d: BarrierDefinition = .pathMaximum) -> Double {
            StarEvaluation.mean(pairs, direct: direct, definition: d, split: "train", metric: metric) ?? .nan
        }
        (directLoss, foldLoss) = (m(true), m(false))
        (directAccuracy, foldAccuracy) = (m(true, "accuracy"), m(false, "accuracy"))
        (directExcess, foldExcess) = (m(true, "loss", .meanEndpoint), m(false, "loss", .meanEndpoint))
    }

    var verdict: Verdict {
        foldExcess <= 0.1 * directExcess && foldAccuracy >= directAccuracy
            ? .reproduced
            : .differs(
                "the fold-lines' mean-endpoint loss barrier (\(starNumber(foldExcess))) is not ≤ 10% of the direct lines' (\(starNumber(directExcess))) with a higher minimum accuracy"
            )
    }
}
