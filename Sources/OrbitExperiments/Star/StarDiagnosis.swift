import Foundation
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// The ablations that separate budget from method for a star claim that differs (issue 19 point 2;
/// docs/math/star.md §4): one baseline (the claim's own recipe, on the diagnosis's data) and one
/// change at a time —
/// - centre epochs (one fit to the largest count; the centre is read off at every count of the grid,
///   so the counts cost one fit, not their sum),
/// - minima trained for the claim's budget vs to a train-loss plateau,
/// - λ of the penalty λ‖θ − θ_i‖² over a stated grid,
/// - the initial centre at the feet's mean (Orbit's default) vs at the first foot,
/// - the centre's Adam learning rate (the paper's 0.01 vs 0.001), because Adam moves every
///   coordinate by about the learning rate per step whatever its gradient's size, so the step size
///   alone can carry a centre far off the feet's segment.
///
/// Each variant reports the NGD bound (Eq. 8), the fold-line and direct-line barriers and whether it
/// meets the claim's own criterion ("closes the gap"). Cost: one centre fit per variant (the epochs
/// ablation one fit to its largest count) of B_r·B_t passes per step, one extra set of minima, and
/// r arms of `points` evaluations per variant (the direct lines once per set of feet). At the paper's
/// budget the single-change variants run ``StarDiagnosisGrid/ablationEpochs`` centre epochs and are
/// read against the long fit's read-off at that count, so that a paper run stays near an hour; there
/// every fit, read-off and minimum of the diagnosis is a state file, so a killed run resumes it.
struct StarDiagnosisGrid: Sendable {
    /// Centre epochs at which the one long fit is read off (the baseline's count included).
    var centreEpochs: [Int]
    /// λ values (the baseline's included).
    var penalties: [Double]
    /// Centre learning rates (the baseline's included).
    var learningRates: [Double]
    /// Centre epochs of the λ, initial-centre, learning-rate and plateau variants (nil: the claim's);
    /// when set, a count of ``centreEpochs`` — the row the variants are compared with.
    var ablationEpochs: Int? = nil
    /// What the budget changes about the setting, for the report ("10 000 training samples", …).
    var description: String
}

/// What one variant measured: averages over the pairs of feet (Lin, Li & Wu's Table 1 convention).
struct StarDiagnosisRow: Sendable {
    var ablation: String
    var variant: String
    var isBaseline: Bool
    /// Mean over pairs of (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖.
    var ngdBound: Double
    /// Mean over pairs of max_t L(t) along the fold-line and the direct line.
    var foldPathMax: Double
    var directPathMax: Double
    /// Mean over pairs of max_t L(t) − (L(0) + L(1))/2.
    var foldMeanEndpoint: Double
    var directMeanEndpoint: Double
    /// Mean over pairs of min_t accuracy (nil for regression).
    var foldAccuracyMin: Double?
    var directAccuracyMin: Double?
    /// The lower of each pair's end-point accuracies, averaged over pairs.
    var endpointAccuracy: Double?
    /// Per pair, whether the fold-line's path max is below the direct line's.
    var foldBelowDirect: [Bool]
    /// The feet's training losses (are they minima?).
    var feetTrainLoss: [Double]
    /// The centre objective (Eq. 7's epoch mean) per epoch.
    var objective: [Double]
    /// Whether the claim's own criterion holds for this variant.
    var closesGap: Bool

    var object: ResultValue {
        [
            "ablation": ablation, "variant": variant, "baseline": isBaseline, "ngd_bound": ngdBound,
            "fold_loss_path_max": foldPathMax, "direct_loss_path_max": directPathMax,
            "fold_mean_endpoint_barrier": foldMeanEndpoint, "direct_mean_endpoint_barrier": directMeanEndpoint,
            "fold_accuracy_path_min": foldAccuracyMin, "direct_accuracy_path_min": directAccuracyMin,
            "endpoint_accuracy_min": endpointAccuracy, "feet_train_loss": feetTrainLoss,
            "centre_objective_last": objective.last ?? .nan, "closes_gap": closesGap,
        ]
    }
}

/// Feet for the diagnosis, trained for the claim's budget or to a plateau.
struct StarDiagnosisFeet {
    var feet: [ParameterVector<Float>]
    var trainLoss: [Double]
    /// Epochs (or steps) each foot was trained for.
    var lengths: [Int]
}

/// One claim's diagnosis: the setting and how the claim judges a variant.
struct StarDiagnosisSetup {
    var network: Network
    /// The centre fits' data (train split only).
    var dataset: Dataset
    /// The barriers' data (train split only).
    var evaluation: Dataset
    /// The baseline's centre fit (the claim's).
    var centre: CentreConfiguration
    var points: Int
    var grid: StarDiagnosisGrid
    /// `false`: the claim's training budget; `true`: to a train-loss plateau.
    var trainFeet: (_ plateau: Bool) throws -> StarDiagnosisFeet
    /// How the plateau is defined, for the report.
    var plateauRule: String
    /// The claim's criterion on one variant.
    var criterion: (StarDiagnosisRow) -> Bool
    var progress: ProgressReporter
    /// The paper budget's checkpoints (nil: none): every centre fit of the diagnosis, and each
    /// read-off of the long one, is a state file `STATES-NAME…`, so a killed run resumes its fits.
    var states: ClaimStateStore? = nil
    /// The prefix of the diagnosis's state files ("diagnosis", "diagnosis-m16").
    var statesPrefix = "diagnosis"
}

enum StarDiagnosis {
    /// Runs every ablation of `setup` and returns the rows, the baseline first.
    static func run(_ setup: StarDiagnosisSetup) throws -> [StarDiagnosisRow] {
        let evaluator = PathEvaluator(network: setup.network, batchSize: 1000, loss: setup.centre.loss)
        let t = PathProfile.grid(points: setup.points)
        let base = setup.centre
        let budgetFeet = try setup.trainFeet(false)
        let budgetDirect = try directLines(budgetFeet.feet, evaluator: evaluator, evaluation: setup.evaluation, t: t)

        // One centre fit, with the states it passes at the `readOff` epochs; under a store the fit
        // and each read-off are state files (`PREFIX-name`, `PREFIX-name-epoch-E`), the read-offs
        // written before the fit's own file reaches their epoch and read back at its end.
        func fit(
            _ feet: StarDiagnosisFeet, _ configuration: CentreConfiguration, name: String, fromFoot: Bool = false,
            readOff: [Int] = []
        ) throws -> [(epochs: Int, centre: ParameterVector<Float>, history: [Double])] {
            let fitter = try CentreFitter(
                network: setup.network, dataset: setup.dataset, feet: feet.feet, configuration: configuration,
                progress: setup.progress)
            let initial = try fitter.initialState(centre: fromFoot ? feet.feet[0] : nil)
            let earlier = readOff.filter { $0 < configuration.epochs }.sorted()
            func isReadOff(_ state: CentreState<Float>) -> Bool {
                state.completedSteps == 0 && earlier.contains(state.completedEpochs)
            }
            var snapshots: [(Int, ParameterVector<Float>, [Double])] = []
            let state: CentreState<Float>
            if let store = setup.states {
                let file = "\(setup.statesPrefix)-\(name)"
                state = try store.fit(fitter, name: file, from: initial) {
                    if isReadOff($0) {
                        try store.writeCentre($0, of: fitter, name: "\(file)-epoch-\($0.completedEpochs)")
                    }
                }
                snapshots = try earlier.map { e in
                    let s = try store.readCentre(of: fitter, name: "\(file)-epoch-\(e)")
                    return (e, s.centre, s.history)
                }
            } else {
                state = try fitter.run(from: initial) {
                    if isReadOff($0) { snapshots.append(($0.completedEpochs, $0.centre, $0.history)) }
                }
            }
            snapshots.append((configuration.epochs, state.centre, state.history))
            return snapshots
        }
        func row(
            _ ablation: String, _ variant: String, feet: StarDiagnosisFeet, direct: [PathProfile],
            centre: ParameterVector<Float>, history: [Double], baseline: Bool = false
        ) throws -> StarDiagnosisRow {
            var r = try measure(
                feet: feet, direct: direct, centre: centre, evaluator: evaluator, evaluation: setup.evaluation, t: t)
            r.ablation = ablation
            r.variant = variant
            r.isBaseline = baseline
            r.objective = history
            r.closesGap = setup.criterion(r)
            return r
        }

        var rows: [StarDiagnosisRow] = []
        // Centre epochs: one fit to the largest count, read off at each count.
        let variantEpochs = setup.grid.ablationEpochs ?? base.epochs
        precondition(
            variantEpochs == base.epochs || setup.grid.centreEpochs.contains(variantEpochs),
            "StarDiagnosis: the variants' centre epochs must be read off the long fit")
        let suffix = variantEpochs == base.epochs ? "" : " (\(variantEpochs) centre epochs)"
        var variant = base
        variant.epochs = variantEpochs
        let epochs = Array(Set(setup.grid.centreEpochs + [base.epochs])).sorted()
        var long = base
        long.epochs = epochs.last!
        let snapshots = try fit(budgetFeet, long, name: "centre-epochs", readOff: epochs)
        let baselineSnapshot = snapshots.first { $0.epochs == base.epochs }!
        let baseline = try row(
            "baseline", "the claim's recipe", feet: budgetFeet, direct: budgetDirect, centre: baselineSnapshot.centre,
            history: baselineSnapshot.history, baseline: true)
        rows.append(baseline)
        for s in snapshots where s.epochs != base.epochs {
            rows.append(
                try row(
                    "centre epochs", "\(s.epochs)", feet: budgetFeet, direct: budgetDirect, centre: s.centre,
                    history: s.history))
        }
        // λ over the grid.
        for lambda in setup.grid.penalties where lambda != base.penalty {
            var c = variant
            c.penalty = lambda
            let s = try fit(budgetFeet, c, name: "centre-lambda-\(penaltyLabel(lambda))").last!
            rows.append(
                try row(
                    "λ", penaltyLabel(lambda) + suffix, feet: budgetFeet, direct: budgetDirect, centre: s.centre,
                    history: s.history))
        }
        // Initial centre at a foot.
        let atFoot = try fit(budgetFeet, variant, name: "centre-at-foot", fromFoot: true).last!
        rows.append(
            try row(
                "initial centre", "at foot θ1" + suffix, feet: budgetFeet, direct: budgetDirect, centre: atFoot.centre,
                history: atFoot.history))
        // Learning rate.
        for rate in setup.grid.learningRates where rate != base.learningRate {
            var c = variant
            c.learningRate = rate
            let s = try fit(budgetFeet, c, name: "centre-rate-\(penaltyLabel(rate))").last!
            rows.append(
                try row(
                    "centre learning rate", "\(rate)" + suffix, feet: budgetFeet, direct: budgetDirect,
                    centre: s.centre,
                    history: s.history))
        }
        // Minima trained to a plateau.
        let plateauFeet = try setup.trainFeet(true)
        let plateauDirect = try directLines(
            plateauFeet.feet, evaluator: evaluator, evaluation: setup.evaluation, t: t)
        let plateau = try fit(plateauFeet, variant, name: "centre-plateau-minima").last!
        rows.append(
            try row(
                "minima",
                "to a plateau (\(plateauFeet.lengths.map(String.init).joined(separator: ", ")))" + suffix,
                feet: plateauFeet, direct: plateauDirect, centre: plateau.centre, history: plateau.history))
        return rows
    }

    /// The direct line of every pair i < j (lexicographic, as ``StarCentre/pairs``).
    static func directLines(
        _ feet: [ParameterVector<Float>], evaluator: PathEvaluator, evaluation: Dataset, t: [Double]
    ) throws -> [PathProfile] {
        let star = StarCentre(centre: feet[0], feet: feet)
        return try star.pairs.map { i, j in
            try evaluator.profile(
                AffinePath.line(feet[i], feet[j]), on: evaluation, t: t, name: "θ\(i + 1) → θ\(j + 1)")
        }
    }

    /// Evaluates the arms θ_i → c and assembles each pair's fold-line from them (as `evaluateStar`),
    /// against the given direct lines. O(r·|t|) evaluations of the evaluation split.
    static func measure(
        feet: StarDiagnosisFeet, direct: [PathProfile], centre: ParameterVector<Float>, evaluator: PathEvaluator,
        evaluation: Dataset, t: [Double]
    ) throws -> StarDiagnosisRow {
        let arms = try feet.feet.enumerated().map { i, foot in
            try evaluator.profile(AffinePath.line(foot, centre), on: evaluation, t: t, name: "θ\(i + 1) → centre")
        }
        let star = StarCentre(centre: centre, feet: feet.feet)
        var folds: [PathProfile] = []
        var bounds: [Double] = []
        for (i, j) in star.pairs {
            let a = arms[i].splits["train"]!, b = arms[j].splits["train"]!
            let foldT = t.map { $0 / 2 } + t.reversed().dropFirst().map { 1 - $0 / 2 }
            folds.append(
                PathProfile(
                    measured: "θ\(i + 1) → centre → θ\(j + 1)", kind: "fold-line via centre", t: foldT,
                    splits: ["train": a + b.reversed().dropFirst()], length: nil, chordLength: nil))
            bounds.append(try normalizedGeodesicDistanceBound(feet.feet[i], via: centre, feet.feet[j]))
        }
        func mean(_ profiles: [PathProfile], _ d: BarrierDefinition, _ metric: String = "loss") -> Double? {
            let values = profiles.compactMap { $0.barrier(d, metric: metric) }
            return values.count == profiles.count ? StarExperiments.mean(values) : nil
        }
        let endpoints = direct.compactMap { p -> Double? in
            let train = p.splits["train"]!
            guard let a = train.first?.accuracy, let b = train.last?.accuracy else { return nil }
            return min(a, b)
        }
        return StarDiagnosisRow(
            ablation: "", variant: "", isBaseline: false, ngdBound: StarExperiments.mean(bounds),
            foldPathMax: mean(folds, .pathMaximum) ?? .nan, directPathMax: mean(direct, .pathMaximum) ?? .nan,
            foldMeanEndpoint: mean(folds, .meanEndpoint) ?? .nan,
            directMeanEndpoint: mean(direct, .meanEndpoint) ?? .nan,
            foldAccuracyMin: mean(folds, .pathMaximum, "accuracy"),
            directAccuracyMin: mean(direct, .pathMaximum, "accuracy"),
            endpointAccuracy: endpoints.count == direct.count ? StarExperiments.mean(endpoints) : nil,
            foldBelowDirect: zip(folds, direct).map {
                ($0.barrier(.pathMaximum) ?? .infinity) < ($1.barrier(.pathMaximum) ?? -.infinity)
            },
            feetTrainLoss: feet.trainLoss, objective: [], closesGap: false)
    }

    /// One sentence for the verdict: which variants meet the claim's criterion, or that none does
    /// and which comes closest by `score` (lower is closer).
    static func conclusion(_ rows: [StarDiagnosisRow], score: (StarDiagnosisRow) -> Double, scoreName: String)
        -> String
    {
        let closing = rows.filter { $0.closesGap && !$0.isBaseline }
        if rows.first?.isBaseline == true, rows[0].closesGap {
            return "Diagnosis: the baseline already meets the criterion on the diagnosis's data."
        }
        if !closing.isEmpty {
            return "Diagnosis: the gap closes with "
                + closing.map { "\($0.ablation) = \($0.variant)" }.joined(separator: "; ") + "."
        }
        let best = rows.filter { !$0.isBaseline }.min { score($0) < score($1) }
        guard let best, let baseline = rows.first else { return "Diagnosis: no ablation ran." }
        return "Diagnosis: no ablation closes the gap; the closest is \(best.ablation) = \(best.variant) "
            + "(\(scoreName) \(starNumber(score(best))) against the baseline's \(starNumber(score(baseline))))."
    }

    /// The diagnosis's HTML section: the grid, the table of variants and the conclusion.
    static func section(
        _ rows: [StarDiagnosisRow], grid: StarDiagnosisGrid, criterion: String, plateauRule: String,
        conclusion: String, heading: String = "Diagnosis: budget or method?"
    ) -> HTMLReport.Section {
        var section = HTMLReport.Section(heading)
        section.paragraph(
            "Each row changes one thing from the baseline (the claim's recipe on the diagnosis's data: \(grid.description)). "
                + "Grid: centre epochs \(grid.centreEpochs.map(String.init).joined(separator: ", ")), λ ∈ \(grid.penalties.map(penaltyLabel).joined(separator: ", ")), "
                + "centre learning rate ∈ \(grid.learningRates.map(penaltyLabel).joined(separator: ", ")), the initial centre at the feet's mean or at θ1, "
                + "minima trained for the claim's budget or to a plateau (\(plateauRule)). "
                + "A row closes the gap when it meets the claim's criterion: \(criterion).")
        section.table(table(rows))
        section.paragraph(conclusion)
        return section
    }

    static func table(_ rows: [StarDiagnosisRow]) -> HTMLReport.Table {
        HTMLReport.Table(
            columns: [
                "ablation", "variant", "NGD bound", "fold max loss", "direct max loss", "fold max − mean ends",
                "direct max − mean ends", "fold min acc", "feet train loss (max)", "centre objective (last)",
                "closes the gap",
            ],
            rows: rows.map { r in
                [
                    r.ablation, r.variant, String(format: "%.4f", r.ngdBound), starNumber(r.foldPathMax),
                    starNumber(r.directPathMax), starNumber(r.foldMeanEndpoint), starNumber(r.directMeanEndpoint),
                    starPercent(r.foldAccuracyMin), starNumber(r.feetTrainLoss.max() ?? .nan),
                    starNumber(r.objective.last ?? .nan), r.closesGap ? "yes" : "no",
                ]
            },
            caption: "Averages over the pairs of feet; barriers on the training split.")
    }

    /// The objective trace of each variant (one chart).
    static func objectiveChart(_ rows: [StarDiagnosisRow], title: String) -> LineChart {
        var chart = LineChart(
            title: title, xLabel: "epoch", yLabel: "centre objective (epoch mean)", yScale: .logarithmic)
        for (k, r) in rows.enumerated() where !r.objective.isEmpty {
            chart.series.append(
                .init(
                    name: r.isBaseline ? "baseline" : "\(r.ablation) = \(r.variant)",
                    x: r.objective.indices.map { Double($0 + 1) }, y: r.objective, style: .train(k)))
        }
        return chart
    }
}

extension ClaimOutcome {
    /// The outcome with a diagnosis attached: its section after the claim's own, its rows under
    /// `numbers.diagnosis`, and its conclusion appended to a "differs" verdict's reason.
    func addingDiagnosis(
        _ rows: [StarDiagnosisRow], section: HTMLReport.Section, conclusion: String, extra: ResultValue = [:]
    ) -> ClaimOutcome {
        addingDiagnosis(rows: rows.map(\.object), section: section, conclusion: conclusion, extra: extra)
    }

    func addingDiagnosis(
        rows: [ResultValue], section: HTMLReport.Section, conclusion: String, extra: ResultValue = [:]
    ) -> ClaimOutcome {
        var outcome = self
        outcome.sections.append(section)
        if case .object(var numbers) = outcome.numbers {
            var diagnosis: [String: ResultValue] = [
                "rows": .array(rows), "conclusion": .string(conclusion),
            ]
            if case .object(let more) = extra { diagnosis.merge(more) { $1 } }
            numbers["diagnosis"] = .object(diagnosis)
            outcome.numbers = .object(numbers)
        }
        if case .differs(let reason) = verdict {
            outcome.verdict = .differs(reason.trimmingCharacters(in: .whitespaces) + " " + conclusion)
        }
        return outcome
    }
}

/// λ or a learning rate as written in a grid: "0", "0.0001", "0.01".
func penaltyLabel(_ x: Double) -> String { x == 0 ? "0" : String(format: "%g", x) }
