import Foundation
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// Table 1 of Lin, Li & Wu 2024, VGG16 column (MNIST in the paper; Fashion-MNIST here, zero-padded to
/// 32×32 for VGG16's five poolings): five independently trained minima (Adam 5e-3, batch 200), a
/// centre fitted by Eq. 6–7 (Adam 0.01, B_r = 1, B_t = 3), and the ten pairs compared along the direct
/// line and the fold-line through the centre. The VGG has BatchNorm (`vgg16:…:bn`; the paper does not
/// say whether its VGG16 has it), so every point of every path has its running statistics reset on
/// the training images before it is evaluated.
public struct StarTableVGGClaim: Claim {
    public let id = "star-table1-vgg"
    public let paper = Paper.lin2024
    public let title =
        "Table 1 (VGG16 row): five VGG minima see one centre along straight lines; direct lines have barriers"
    public let estimatedSeconds = 120

    public init() {}

    struct Setting {
        var width: Double
        var trainSamples: Int
        var evaluationSamples: Int
        var minimaEpochs: Int
        var centreEpochs: Int
        var points: Int
        /// The centre's Adam step (the paper's 0.01; the diagnosis varies it).
        var centreLearningRate = 0.01
    }

    static func setting(_ budget: ReproductionBudget) -> Setting {
        switch budget {
        case .quick:
            return Setting(
                width: 0.0625, trainSamples: 256, evaluationSamples: 128, minimaEpochs: 1, centreEpochs: 1, points: 3)
        case .full:
            return Setting(
                width: 0.0625, trainSamples: 4000, evaluationSamples: 1000, minimaEpochs: 5, centreEpochs: 10, points: 7
            )
        case .paper:
            return Setting(
                width: 1, trainSamples: 60000, evaluationSamples: 10000, minimaEpochs: 10, centreEpochs: 200,
                points: 13)
        }
    }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let s = Self.setting(context.budget)
        let architecture = "vgg16:w=\(s.width):bn:in=1x32x32:out=10"
        let network = try Network(parsing: architecture)
        let (loaded, fallback) = GraphClaimSupport.images(
            context.data, train: s.trainSamples, test: s.evaluationSamples, pad: true, seed: context.seed)
        let m = try Self.measure(s, network: network, data: loaded, context: context)
        let (minima, dataset) = (m.minima, m.dataset)
        let names = (1...5).map { "θ\($0)" }
        let evaluation = m.evaluation
        let reportContext = StarReportContext(
            models: names, data: dataset.name, loss: "cross_entropy", network: network, configuration: m.centre,
            history: m.centreHistory, centreSource: "fitted from the feet's mean",
            modelSeeds: (1...5).map { "\(context.seed &+ 300 &+ UInt64($0))" })
        try writeStarReport(evaluation, context: reportContext, directory: context.directory)

        let pairs = evaluation.pairs
        // The criterion of Table 1 (StarTableSummary), fixed before running.
        let summary = m.summary
        let (directLoss, foldLoss) = (summary.directLoss, summary.foldLoss)
        let (directAccuracy, foldAccuracy) = (summary.directAccuracy, summary.foldAccuracy)
        let (directExcess, foldExcess) = (summary.directExcess, summary.foldExcess)
        let verdict = summary.verdict
        var section = HTMLReport.Section("Table 1 analogue, VGG16 (train split, averaged over 10 pairs)")
        section.table(
            HTMLReport.Table(
                columns: ["", "paper (MNIST VGG16)", "Orbit direct", "Orbit fold-line", "paper fold-line"],
                rows: [
                    ["loss, path max", "16.91", starNumber(directLoss), starNumber(foldLoss), "3.1e-05"],
                    [
                        "accuracy, path min", "28.55%", starPercent(directAccuracy), starPercent(foldAccuracy),
                        "100.00%",
                    ],
                    ["loss, max − end-point mean", "–", starNumber(directExcess), starNumber(foldExcess), "–"],
                ]))
        if !pairs.isEmpty {
            section.figure(
                pathChart(pairs.map(\.direct), metric: "loss", title: "Direct lines"),
                caption:
                    "Training (solid) and test (dashed) loss along the ten direct lines, BatchNorm reset at every point."
            )
        }
        section.figure(
            pathChart(pairs.map(\.fold), metric: "loss", title: "Fold-lines through the centre"),
            caption: "Loss along the ten fold-lines θ_i → c → θ_j (the centre at s = ½). Full report: report.html.")
        section.links([("star report (every pair, every barrier definition)", "report.html")])
        var differences = [
            "Fashion-MNIST (zero-padded to 32×32) instead of MNIST",
            "VGG16 at width factor \(s.width) (first conv \(Int((64 * s.width).rounded())) channels, not 64) with BatchNorm; statistics reset at every path point",
            "minima trained \(s.minimaEpochs) epoch(s) on \(loaded.train.count) images (the paper does not state its count), centre \(s.centreEpochs) epoch(s) instead of 200",
            "barriers evaluated on \(dataset.train.count) training samples at \(evaluation.t.count) points per arm",
        ]
        if context.quick { differences.append("quick mode: tiny data and width") }
        if let fallback { differences.insert(fallback, at: 0) }
        let outcome = ClaimOutcome(
            paperStatement:
                "Table 1 (MNIST, VGG16): averaged over 10 pairs of 5 minima, path-max train loss 16.91 on the direct line vs 3.1e-5 through the centre; path-min accuracy 28.55% vs 100.00%.",
            orbitResult:
                "direct line: loss \(starNumber(directLoss)), accuracy \(starPercent(directAccuracy)); fold-line via centre: loss \(starNumber(foldLoss)), accuracy \(starPercent(foldAccuracy))",
            setting:
                "\(architecture), Adam 5e-3 batch 200 for the minima (seeds \(context.seed &+ 301)…\(context.seed &+ 305)); centre: Adam 0.01, batch 200, B_r = 1, B_t = 3, λ = 0, from the feet's mean; BatchNorm reset; \(dataset.name)",
            differences: differences.joined(separator: "; "), verdict: verdict, sections: [section],
            numbers: [
                "direct_loss_path_max": directLoss, "fold_loss_path_max": foldLoss,
                "direct_accuracy_path_min": directAccuracy, "fold_accuracy_path_min": foldAccuracy,
                "direct_mean_endpoint_barrier": directExcess, "fold_mean_endpoint_barrier": foldExcess,
                "paper": [
                    "direct_loss": 16.91, "fold_loss": 3.1e-5, "direct_accuracy": 0.2855, "fold_accuracy": 1.0,
                ],
                "minima_train_loss": minima.map(\.train.loss), "centre_history": m.centreHistory,
                "batch_norm": "reset at every point",
                "criterion":
                    "reproduced iff the fold-lines' mean-endpoint barrier ≤ 0.1 × the direct lines' and their min accuracy is higher",
            ])
        return outcome.addingDiagnosis(
            try Self.diagnosis(s, baseline: m, network: network, data: loaded, context: context))
    }

    /// One Table 1 measurement: five minima (trained here unless given), the centre, and the star's
    /// evaluation with BatchNorm statistics reset at every point.
    struct Measurement {
        var minima: [(parameters: ParameterVector<Float>, train: SplitMetrics, epochs: Int)]
        var centre: CentreConfiguration
        var centreHistory: [Double]
        /// The barriers' data: a prefix of the training split, and the test split.
        var dataset: Dataset
        var evaluation: StarEvaluation
        var summary: StarTableSummary
    }

    static func measure(
        _ s: Setting, network: Network, data loaded: Dataset, context: ReproductionContext,
        minima given: [(parameters: ParameterVector<Float>, train: SplitMetrics, epochs: Int)]? = nil
    ) throws -> Measurement {
        let training = TrainingConfiguration(
            epochs: s.minimaEpochs, batchSize: 200, learningRate: 5e-3, optimizer: .adam(), seed: 0)
        let minima =
            try given
            ?? StarExperiments.trainMinima(
                network: network, dataset: loaded, count: 5, configuration: training, seed: context.seed &+ 300,
                progress: context.progress)
        let feet = minima.map(\.parameters)
        let centre = CentreConfiguration(
            epochs: s.centreEpochs, batchSize: 200, learningRate: s.centreLearningRate, seed: context.seed)
        let fitter = try CentreFitter(
            network: network, dataset: Dataset(name: loaded.name, train: loaded.train, test: nil), feet: feet,
            configuration: centre, progress: context.progress)
        let state = try fitter.run(from: try fitter.initialState())
        // Barriers on the training loss (the paper's), on a prefix of the training split; BatchNorm
        // statistics reset on that prefix at every point.
        let dataset = Dataset(name: loaded.name, train: loaded.train.prefix(s.evaluationSamples), test: loaded.test)
        let evaluation = try evaluateStar(
            StarCentre(centre: state.centre, feet: feet), names: (1...5).map { "θ\($0)" }, network: network,
            dataset: dataset, points: s.points, batchNorm: .reset)
        return Measurement(
            minima: minima, centre: centre, centreHistory: state.history, dataset: dataset, evaluation: evaluation,
            summary: StarTableSummary(evaluation.pairs))
    }
}
