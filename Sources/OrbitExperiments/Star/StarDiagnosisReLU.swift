import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitReports
import OrbitStar
import OrbitTraining

/// The diagnosis of Fig. 3 (NGD of two-layer ReLU students against width, Lin, Li & Wu 2024): the
/// ablations of ``StarDiagnosis`` at every width (one pair of students per width), the students'
/// train loss per width (are they minima?) and the centre objective's trace per width. A variant
/// closes the gap when the claim's criterion holds across its widths: the bound at the largest width
/// is below the one at the smallest, and every fold-line's path max is below its direct line's.
struct ReLUDiagnosis {
    var widths: [Int]
    var sampleCount: Int
    var steps: Int
    /// Plateau: continue in chunks of `steps` full-batch steps until a chunk lowers the train loss by
    /// less than `plateauTolerance` (relative), at most `plateauCap` steps.
    var plateauCap: Int
    var plateauTolerance: Double
    var points: Int
    var grid: StarDiagnosisGrid

    /// quick: widths 4 and 8, n = 200 (seconds); full: the claim's widths, one pair each, centre
    /// epochs {5, 50, 100, 200}, λ ∈ {0, 1e-4, 1e-3, 1e-2}, plateau ≤ 30 000 steps; paper: centre
    /// epochs up to 1000, λ down to 1e-5 and up to 1e-1, plateau ≤ 100 000 steps.
    init(budget: ReproductionBudget, widths: [Int], penalty: Double) {
        self.widths = widths
        let rates = [0.01, 0.001]
        plateauTolerance = 0.1
        switch budget {
        case .quick:
            sampleCount = 200
            steps = 300
            plateauCap = 1200
            points = 5
            grid = StarDiagnosisGrid(
                centreEpochs: [2, 10], penalties: FNNDiagnosis.withClaim([0, 1e-2], penalty), learningRates: rates,
                description: "quick: widths \(widths), n = 200, one pair of students per width")
        case .full:
            sampleCount = 1000
            steps = 3000
            plateauCap = 30000
            points = 13
            grid = StarDiagnosisGrid(
                centreEpochs: [5, 50, 100, 200], penalties: FNNDiagnosis.withClaim([0, 1e-4, 1e-3, 1e-2], penalty),
                learningRates: rates,
                description: "full (reduced grid): widths \(widths), n = 1000, one pair of students per width")
        case .paper:
            sampleCount = 1000
            steps = 3000
            plateauCap = 100_000
            points = 13
            grid = StarDiagnosisGrid(
                centreEpochs: [5, 50, 100, 200, 1000],
                penalties: FNNDiagnosis.withClaim([0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], penalty), learningRates: rates,
                ablationEpochs: 200,
                description:
                    "paper: widths \(widths), n = 1000, one pair of students per width; the single-change variants run 200 centre epochs, against the baseline's read-off at 200"
            )
        }
    }

    var plateauRule: String {
        "full-batch Adam 0.01 in chunks of \(steps) steps until a chunk lowers the train loss by less than \(Int(plateauTolerance * 100))%, at most \(plateauCap) steps"
    }

    /// The rows of every width (in `widths` order), each with its width.
    func run(context: ReproductionContext, centreEpochs: Int, penalty: Double) throws -> [(
        width: Int, rows: [StarDiagnosisRow]
    )] {
        let dataset = TeacherStudentData(
            dimension: 4, teacherNeurons: 4, trainCount: sampleCount, testCount: 0, seed: context.seed &+ 300
        ).generate()
        return try widths.map { m in
            let base = context.seed &+ 1000 &* UInt64(m)
            let network = try Network(parsing: "mlp:4-\(m)-1:relu:nobias")
            let steps = self.steps, cap = plateauCap, tolerance = plateauTolerance
            let setup = StarDiagnosisSetup(
                network: network, dataset: dataset, evaluation: dataset,
                centre: CentreConfiguration(
                    epochs: centreEpochs, batchSize: 100, learningRate: 0.01, penalty: penalty, seed: base,
                    loss: .meanSquaredError, frozenTensors: ["layers.2.weight"]),
                points: points, grid: grid,
                trainFeet: { plateau in
                    var feet = StarDiagnosisFeet(feet: [], trainLoss: [], lengths: [])
                    for k in 1...2 {
                        let (theta, loss, used) = try Self.trainStudent(
                            width: m, dataset: dataset, chunk: steps, cap: plateau ? cap : steps,
                            tolerance: tolerance, seed: base &+ UInt64(k))
                        feet.feet.append(theta)
                        feet.trainLoss.append(loss)
                        feet.lengths.append(used)
                    }
                    return feet
                }, plateauRule: plateauRule, criterion: { $0.foldBelowDirect.allSatisfy { $0 } },
                progress: context.progress, states: context.states, statesPrefix: "diagnosis-m\(m)")
            return (m, try StarDiagnosis.run(setup))
        }
    }

    /// The claim's student (``StarExperiments/trainStudent(width:dataset:steps:learningRate:seed:)``:
    /// N(0, 1/m²) first layer, output row frozen at 1, full-batch Adam 0.01), trained in chunks of
    /// `chunk` steps until a chunk lowers the loss by less than `tolerance` (relative) or `cap` steps
    /// are done. With cap = chunk it is the claim's student bit for bit. Returns θ, its train loss
    /// and the steps taken. O(steps·n·m·d).
    static func trainStudent(
        width m: Int, dataset: Dataset, chunk: Int, cap: Int, tolerance: Double, seed: UInt64
    ) throws -> (ParameterVector<Float>, Double, Int) {
        var student = try StarExperiments.Student(width: m, dataset: dataset, seed: seed)
        var done = 0
        var previous = Double.infinity
        while done < cap {
            var last = 0.0
            for _ in 0..<min(chunk, cap - done) {
                last = student.loss()
                student.update(learningRate: 0.01)
                done += 1
            }
            if last > (1 - tolerance) * previous { break }
            previous = last
        }
        return (student.theta, student.trainLoss, done)
    }

    /// Attaches the diagnosis to Fig. 3's outcome: the ablation table per width, the bound per width
    /// of every variant, the students' train loss per width, the centre objective's trace per width
    /// (centre-objective-per-width.svg) and the conclusion in the verdict.
    static func add(
        to outcome: ClaimOutcome, context: ReproductionContext, widths: [Int], centreEpochs: Int, penalty: Double
    ) throws -> ClaimOutcome {
        let diagnosis = ReLUDiagnosis(
            budget: context.miniature ? .quick : context.budget, widths: widths, penalty: penalty)
        let perWidth = try diagnosis.run(context: context, centreEpochs: centreEpochs, penalty: penalty)
        // One summary row per variant: its rows at every width (the same variants at every width, in order).
        let variants = perWidth[0].rows.indices.map { k in perWidth.map { $0.rows[k] } }
        // Each variant's summary is its row at the largest width, judged across widths.
        var summary: [StarDiagnosisRow] = []
        var rise: [String: Double] = [:]
        var trend: [ResultValue] = []
        for rows in variants {
            var r = rows.last!
            let decreasing = rows.count >= 2 && rows.last!.ngdBound < rows.first!.ngdBound
            let certified = rows.allSatisfy { $0.foldBelowDirect.allSatisfy { $0 } }
            r.closesGap = decreasing && certified
            rise[r.ablation + "|" + r.variant] = rows.last!.ngdBound - rows.first!.ngdBound
            summary.append(r)
            trend.append(
                [
                    "ablation": r.ablation, "variant": r.variant, "widths": widths, "ngd_bounds": rows.map(\.ngdBound),
                    "fold_loss_path_max": rows.map(\.foldPathMax), "direct_loss_path_max": rows.map(\.directPathMax),
                    "feet_train_loss": rows.map(\.feetTrainLoss), "decreasing": decreasing,
                    "fold_below_direct": certified, "closes_gap": r.closesGap,
                ])
        }
        let conclusion = StarDiagnosis.conclusion(
            summary, score: { rise[$0.ablation + "|" + $0.variant] ?? .nan },
            scoreName: "bound(largest width) − bound(smallest)")
        var section = HTMLReport.Section("Diagnosis: budget or method?")
        section.paragraph(
            "Each variant changes one thing from the baseline (the claim's recipe with one pair of students per width; \(diagnosis.grid.description)). "
                + "Grid: centre epochs \(diagnosis.grid.centreEpochs.map(String.init).joined(separator: ", ")), λ ∈ \(diagnosis.grid.penalties.map(penaltyLabel).joined(separator: ", ")), "
                + "centre learning rate ∈ \(diagnosis.grid.learningRates.map(penaltyLabel).joined(separator: ", ")), the initial centre at the feet's mean or at θ1, "
                + "students trained \(diagnosis.steps) steps or to a plateau (\(diagnosis.plateauRule)). "
                + "A variant closes the gap when the claim's criterion holds across widths: the bound at the largest width below the one at the smallest, every fold-line below its direct line."
        )
        section.table(
            HTMLReport.Table(
                columns: ["ablation", "variant"] + widths.map { "NGD bound m = \($0)" } + [
                    "fold < direct everywhere", "closes the gap",
                ],
                rows: variants.indices.map { k in
                    let rows = variants[k]
                    return [rows[0].ablation, rows[0].variant] + rows.map { String(format: "%.4f", $0.ngdBound) } + [
                        rows.allSatisfy { $0.foldBelowDirect.allSatisfy { $0 } } ? "yes" : "no",
                        summary[k].closesGap ? "yes" : "no",
                    ]
                }))
        // Are the students minima? The baseline's and the plateau variant's feet, per width.
        let plateauIndex = variants.firstIndex { $0[0].ablation == "minima" }
        section.table(
            HTMLReport.Table(
                columns: [
                    "width m", "students' train loss (claim: \(diagnosis.steps) steps)",
                    "students' train loss (to a plateau)", "plateau variant",
                ],
                rows: perWidth.enumerated().map { w, entry in
                    [
                        "\(entry.width)", entry.rows[0].feetTrainLoss.map(starNumber).joined(separator: ", "),
                        plateauIndex.map { variants[$0][w].feetTrainLoss.map(starNumber).joined(separator: ", ") }
                            ?? "–",
                        plateauIndex.map { variants[$0][w].variant } ?? "–",
                    ]
                },
                caption: "Mean squared error on the training sample; zero at a minimum (Theorem 6)."))
        var chart = LineChart(
            title: "Centre objective per epoch, per width (baseline)", xLabel: "epoch",
            yLabel: "centre objective (epoch mean)", yScale: .logarithmic)
        for (k, entry) in perWidth.enumerated() {
            let h = entry.rows[0].objective
            chart.series.append(
                .init(name: "m = \(entry.width)", x: h.indices.map { Double($0 + 1) }, y: h, style: .train(k)))
        }
        try chart.write(to: "\(context.directory)/centre-objective-per-width.svg")
        section.figure(
            chart,
            caption:
                "Epoch mean of Eq. 7's minibatch objective of the baseline centre at each width: flat at the end means converged."
        )
        section.paragraph(conclusion)
        return outcome.addingDiagnosis(
            summary, section: section, conclusion: conclusion,
            extra: [
                "rows_note": "each variant's row is its largest width; per_width has every width",
                "per_width": ResultValue.array(trend), "grid": diagnosis.grid.description,
                "plateau_rule": diagnosis.plateauRule,
                "students_train_loss": ResultValue.array(
                    perWidth.map { ["width": $0.width, "train_loss": $0.rows[0].feetTrainLoss] as ResultValue }),
                "centre_objective_per_width": ResultValue.array(
                    perWidth.map { ["width": $0.width, "objective": $0.rows[0].objective] as ResultValue }),
            ])
    }
}
