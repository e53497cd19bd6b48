import Foundation
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// Sonthalia et al.'s held-out test of a star model (Starlight; docs/math/star.md §7): a centre fitted
/// to k minima (the feet, Starlight's anchors) is compared with minima it never saw (held-out). The
/// barrier of definition (ii), B = max_t [L(t) − ((1 − t)·L(0) + t·L(1))] on the training loss, is
/// measured on the straight line centre ↔ held-out minimum and on the lines foot ↔ held-out minimum;
/// a star domain predicts the first below the second. One-hidden-layer MLPs 784-w-10 on
/// Fashion-MNIST at the widths of Starlight's MNIST results.
///
/// Cost per width: (k + h) trainings, one centre fit of B_t passes per step, and (2k + 2h + k·h +
/// k(k − 1)/2) line profiles of `points` evaluations (``evaluateStar``).
public struct StarlightClaim: Claim {
    public let id = "starlight-held-out"
    public let paper = Paper.sonthalia2025
    public let title =
        "Starlight: a centre fitted to k minima sees held-out minima with lower barriers than the minima do"
    public let estimatedSeconds = 300

    /// Starlight's published barriers (1-hidden-layer MLP on MNIST, mean train-loss barrier of
    /// definition (ii)): width → (anchor ↔ held-out, star ↔ held-out).
    public static let anchors: [(width: Int, anchorHeldOut: Double, starHeldOut: Double)] = [
        (4, 0.368, 0.089), (32, 0.193, 0.063), (64, 0.049, 0.021), (128, 0.0146, 0.0079), (256, 0.0060, 0.0031),
    ]

    public init() {}

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let quick = context.quick
        let widths = quick ? [4, 16] : Self.anchors.map(\.width)
        let feetCount = quick ? 3 : 5, heldOutCount = quick ? 2 : 3
        let epochs = quick ? 1 : 5
        let trainLimit: Int? = quick ? 1000 : nil
        let evaluationLimit = quick ? 500 : 5000
        let points = quick ? 5 : 11
        let (loaded, fallback) = StarExperiments.classificationData(
            context.data, limit: trainLimit, seed: context.seed)
        let dataset = Dataset(name: loaded.name, train: loaded.train, test: nil)
        let evaluation = Dataset(name: loaded.name, train: loaded.train.prefix(evaluationLimit), test: nil)
        let training = TrainingConfiguration(
            epochs: epochs, batchSize: 200, learningRate: 1e-3, optimizer: .adam(), seed: 0)
        let centreConfiguration = CentreConfiguration(epochs: epochs, seed: context.seed)
        // Criterion fixed before running: at every width the mean star ↔ held-out barrier is below the
        // mean foot ↔ held-out barrier.
        var rows: [ResultValue] = []
        var table: [[String]] = []
        var ours: [(anchor: Double, star: Double)] = []
        var measured: [Int: HeldOutMeasurement] = [:]
        for w in widths {
            let m = try Self.measure(
                width: w, dataset: dataset, evaluation: evaluation, feetCount: feetCount, heldOutCount: heldOutCount,
                training: training, centre: centreConfiguration, points: points, context: context)
            measured[w] = m
            let (anchorHeld, starHeld, starFeet, anchorAnchor) = (m.anchorHeld, m.starHeld, m.starFeet, m.anchorAnchor)
            let minima = m.minima
            ours.append((anchorHeld, starHeld))
            let anchor = Self.anchors.first { $0.width == w }
            rows.append(
                [
                    "width": w, "anchor_held_out_barrier": anchorHeld, "star_held_out_barrier": starHeld,
                    "star_feet_barrier": starFeet, "anchor_anchor_barrier": anchorAnchor,
                    "minima_train_loss": minima.map(\.train.loss), "centre_history": m.centreHistory,
                    "starlight_anchor_held_out": anchor?.anchorHeldOut, "starlight_star_held_out": anchor?.starHeldOut,
                ])
            table.append([
                "\(w)", starNumber(anchorHeld), starNumber(starHeld),
                anchor.map { starNumber($0.anchorHeldOut) } ?? "–",
                anchor.map { starNumber($0.starHeldOut) } ?? "–", starNumber(starFeet), starNumber(anchorAnchor),
                starNumber(minima.map(\.train.loss).max() ?? .nan),
            ])
        }
        let below = zip(widths, ours).filter { $0.1.star < $0.1.anchor }.map(\.0)
        let reproduced = below.count == widths.count
        let verdict: Verdict =
            reproduced
            ? .reproduced
            : .differs(
                "the star ↔ held-out barrier is below the anchor ↔ held-out barrier at widths \(below) only, not at every width \(widths)"
            )

        var chart = LineChart(
            title: "Held-out minima: barrier (ii) against width", xLabel: "hidden width w",
            yLabel: "mean train-loss barrier (ii)", yScale: .logarithmic)
        chart.series.append(
            .init(
                name: "Orbit anchor ↔ held-out", x: widths.map(Double.init), y: ours.map(\.anchor),
                style: .train(0, marker: .circle)))
        chart.series.append(
            .init(
                name: "Orbit star ↔ held-out", x: widths.map(Double.init), y: ours.map(\.star),
                style: .train(1, marker: .circle)))
        chart.series.append(
            .init(
                name: "Starlight anchor ↔ held-out (MNIST)", x: Self.anchors.map { Double($0.width) },
                y: Self.anchors.map(\.anchorHeldOut), style: .test(0)))
        chart.series.append(
            .init(
                name: "Starlight star ↔ held-out (MNIST)", x: Self.anchors.map { Double($0.width) },
                y: Self.anchors.map(\.starHeldOut), style: .test(1)))
        try chart.write(to: "\(context.directory)/starlight-held-out.svg")

        var section = HTMLReport.Section("Held-out minima (Starlight's check)")
        section.paragraph(
            "Barrier (ii) = max_t [L(t) − ((1 − t)·L(0) + t·L(1))] of the training loss along a straight line, "
                + "averaged over the lines: anchor ↔ held-out = each fitted foot to each held-out minimum; "
                + "star ↔ held-out = the fitted centre to each held-out minimum. Starlight's numbers are for MNIST; ours for Fashion-MNIST."
        )
        section.table(
            HTMLReport.Table(
                columns: [
                    "width", "Orbit anchor ↔ held-out", "Orbit star ↔ held-out", "Starlight anchor ↔ held-out (MNIST)",
                    "Starlight star ↔ held-out (MNIST)", "Orbit star ↔ feet", "Orbit anchor ↔ anchor",
                    "minima train loss (max)",
                ], rows: table))
        section.figure(chart, caption: "Orbit (solid) on Fashion-MNIST; Starlight's MNIST results (dashed).")
        var differences = [
            "Fashion-MNIST instead of MNIST",
            "the centre is Lin, Li & Wu's (Adam 0.01, B_r = 1, B_t = 3, λ = 0, from the feet's mean, \(epochs) epochs), not Starlight's star training with re-alignment",
            "no permutation alignment of the held-out minima",
            "\(feetCount) feet and \(heldOutCount) held-out minima per width, minima \(epochs) epochs (Adam 1e-3, batch 200)",
            "barriers on \(evaluation.train.count) training samples at \(points) points",
        ]
        if quick { differences.append("quick mode: widths 4 and 16 on 1000 samples") }
        if let fallback { differences.insert(fallback, at: 0) }
        let outcome = ClaimOutcome(
            paperStatement:
                "Sonthalia et al. (Starlight), 1-hidden-layer MLP on MNIST: a star model trained against anchors has a lower barrier to held-out models than the anchors do (mean train-loss barrier, anchor ↔ held-out vs star ↔ held-out: w4 0.368 vs 0.089, w32 0.193 vs 0.063, w64 0.049 vs 0.021, w128 0.0146 vs 0.0079, w256 0.0060 vs 0.0031).",
            orbitResult: zip(widths, ours).map {
                "w\($0.0): \(starNumber($0.1.anchor)) vs \(starNumber($0.1.star))"
            }.joined(separator: ", "),
            setting:
                "mlp:784-w-10:relu, w ∈ \(widths); \(feetCount) feet + \(heldOutCount) held-out minima (Adam 1e-3, batch 200, \(epochs) epochs, seeds from \(context.seed &+ 500)); centre: Adam 0.01, batch 200, B_r = 1, B_t = 3, λ = 0, \(epochs) epochs from the feet's mean; \(dataset.name); barrier (ii) on the training loss",
            differences: differences.joined(separator: "; "), verdict: verdict, sections: [section],
            numbers: [
                "rows": ResultValue.array(rows), "barrier_definition": BarrierDefinition.convexCombination.formula,
                "criterion":
                    "reproduced iff the mean star ↔ held-out barrier < the mean anchor ↔ held-out barrier at every width",
                "widths_star_below": below,
            ])
        return outcome.addingDiagnosis(
            try Self.diagnosis(
                measured: measured, widths: quick ? [16] : [64, 256], dataset: dataset, evaluation: evaluation,
                feetCount: feetCount, heldOutCount: heldOutCount, training: training, centre: centreConfiguration,
                points: points, context: context))
    }

    /// One width's barriers: the minima (trained here unless given), the centre and the mean barrier
    /// (ii) of each family of lines.
    struct HeldOutMeasurement {
        var minima: [(parameters: ParameterVector<Float>, train: SplitMetrics, epochs: Int)]
        var centreHistory: [Double]
        /// Mean barrier foot ↔ held-out, centre ↔ held-out, centre ↔ foot, foot ↔ foot.
        var anchorHeld: Double
        var starHeld: Double
        var starFeet: Double
        var anchorAnchor: Double
    }

    static func measure(
        width w: Int, dataset: Dataset, evaluation: Dataset, feetCount: Int, heldOutCount: Int,
        training: TrainingConfiguration, centre: CentreConfiguration, points: Int, context: ReproductionContext,
        minima given: [(parameters: ParameterVector<Float>, train: SplitMetrics, epochs: Int)]? = nil
    ) throws -> HeldOutMeasurement {
        let network = try Network(parsing: "mlp:784-\(w)-10:relu")
        let minima =
            try given
            ?? StarExperiments.trainMinima(
                network: network, dataset: dataset, count: feetCount + heldOutCount, configuration: training,
                seed: context.seed &+ 500 &+ 100 &* UInt64(w), progress: context.progress)
        let feet = minima.prefix(feetCount).map(\.parameters)
        let heldOut = minima.suffix(heldOutCount).map(\.parameters)
        let fitter = try CentreFitter(
            network: network, dataset: dataset, feet: Array(feet), configuration: centre, progress: context.progress)
        let state = try fitter.run(from: try fitter.initialState())
        let result = try evaluateStar(
            StarCentre(centre: state.centre, feet: Array(feet)), names: (1...feetCount).map { "θ\($0)" },
            heldOut: Array(heldOut), heldOutNames: (1...heldOutCount).map { "η\($0)" }, network: network,
            dataset: evaluation, points: points)
        func mean(_ profiles: [PathProfile]) -> Double {
            StarExperiments.mean(profiles.map { $0.barrier(.convexCombination) ?? .nan })
        }
        return HeldOutMeasurement(
            minima: minima, centreHistory: state.history, anchorHeld: mean(result.heldOutPairs.map(\.direct)),
            starHeld: mean(result.heldOutArms), starFeet: mean(result.arms),
            anchorAnchor: mean(result.pairs.map(\.direct)))
    }
}
