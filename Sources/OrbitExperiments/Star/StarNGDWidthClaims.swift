import Foundation
import OrbitData
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// One width of an NGD-versus-width sweep, averaged over runs.
struct NGDWidthRow {
    var width: Int
    var bounds: [Double]
    var footLosses: [Double]
    var foldMax: [Double]
    var directMax: [Double]

    var bound: Double { StarExperiments.mean(bounds) }

    var object: ResultValue {
        [
            "width": width, "ngd_bounds": bounds, "ngd_bound_mean": bound, "foot_train_losses": footLosses,
            "fold_loss_path_max": foldMax, "direct_loss_path_max": directMax,
        ]
    }
}

/// Shared verdict and figure of Figs. 3–4: the paper's finding is that the NGD bound decreases
/// towards 1 as the width grows. Criterion fixed before running: the mean bound at the largest width
/// is below the one at the smallest, and every fold-line's path-max training loss is below its
/// direct line's (so the fold-lines certify something).
func ngdWidthOutcome(
    rows: [NGDWidthRow], context: ReproductionContext, file: String, title: String, paperStatement: String,
    setting: String, differences: String, penalty: Double
) throws -> ClaimOutcome {
    var chart = LineChart(title: title, xLabel: "width m", yLabel: "NGD upper bound (Eq. 8)")
    chart.series.append(
        .init(
            name: "Orbit (mean over runs)", x: rows.map { Double($0.width) }, y: rows.map(\.bound),
            style: .train(0, marker: .circle)))
    chart.horizontalLines.append(.init(at: 1, label: "NGD = 1 (convex)"))
    try chart.write(to: "\(context.directory)/\(file)")
    let decreasing = rows.count >= 2 && rows.last!.bound < rows.first!.bound
    let certified = rows.allSatisfy { row in zip(row.foldMax, row.directMax).allSatisfy { $0 < $1 } }
    let verdict: Verdict =
        decreasing && certified
        ? .reproduced
        : .differs(
            (decreasing ? "" : "the bound does not decrease from the smallest to the largest width; ")
                + (certified
                    ? "" : "some fold-line is not below its direct line in loss (the bound certifies nothing there)"))
    var section = HTMLReport.Section("NGD against width")
    section.table(
        HTMLReport.Table(
            columns: [
                "width m", "NGD bound (mean)", "runs", "feet train loss (max)", "fold-line max loss (max)",
                "direct max loss (min)",
            ],
            rows: rows.map { r in
                [
                    "\(r.width)", String(format: "%.4f", r.bound), "\(r.bounds.count)",
                    starNumber(r.footLosses.max() ?? .nan),
                    starNumber(r.foldMax.max() ?? .nan), starNumber(r.directMax.min() ?? .nan),
                ]
            }))
    section.figure(chart, caption: "Upper bound (‖θ₁ − c‖ + ‖c − θ₂‖)/‖θ₁ − θ₂‖ against width.")
    return ClaimOutcome(
        paperStatement: paperStatement,
        orbitResult: rows.map { "m = \($0.width): \(String(format: "%.3f", $0.bound))" }.joined(separator: ", "),
        setting: setting, differences: differences, verdict: verdict, sections: [section],
        numbers: [
            "rows": rows.map(\.object), "penalty": penalty, "decreasing": decreasing, "fold_below_direct": certified,
            "criterion":
                "reproduced iff the mean bound at the largest width < at the smallest and every fold-line max loss < its direct line's",
        ])
}

/// Fig. 3 (left) of Lin, Li & Wu 2024: NGD bound against width for two-layer ReLU students
/// f(x) = Σ_i ReLU(w_i·x) (no output weights) of the M = 4 teacher Σ_j ReLU(x_j), x ~ Unif(S³).
public struct StarReLUWidthClaim: Claim {
    public let id = "star-ngd-width-relu"
    public let paper = Paper.lin2024
    public let title = "Fig. 3: the NGD of two-layer ReLU student minima decreases towards 1 with width"
    public let estimatedSeconds = 120
    public static let penalty = 1e-3
    public var hasPaperSetting: Bool { true }

    public init() {}

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let budget = StarWidthSetting.relu(context)
        let widths = budget.widths
        let runs = budget.runs
        let n = budget.n
        let steps = budget.minimaLength
        let dataset = TeacherStudentData(
            dimension: 4, teacherNeurons: 4, trainCount: n, testCount: 0, seed: context.seed &+ 300
        ).generate()
        var rows: [NGDWidthRow] = []
        for m in widths {
            var row = NGDWidthRow(width: m, bounds: [], footLosses: [], foldMax: [], directMax: [])
            let network = try Network(parsing: "mlp:4-\(m)-1:relu:nobias")
            for run in 0..<runs {
                let base = context.seed &+ 1000 &* UInt64(m) &+ 10 &* UInt64(run)
                let a = try StarExperiments.trainStudent(
                    width: m, dataset: dataset, steps: steps, learningRate: 0.01, seed: base &+ 1,
                    plateau: budget.plateau)
                let b = try StarExperiments.trainStudent(
                    width: m, dataset: dataset, steps: steps, learningRate: 0.01, seed: base &+ 2,
                    plateau: budget.plateau)
                let result = try StarExperiments.ngd(
                    network: network, dataset: dataset, feet: [a.0, b.0],
                    configuration: CentreConfiguration(
                        epochs: budget.centreEpochs, batchSize: 100, learningRate: 0.01, penalty: Self.penalty,
                        seed: base, loss: .meanSquaredError, frozenTensors: ["layers.2.weight"]),
                    points: budget.points, progress: context.progress, states: budget.states,
                    name: "centre-m\(m)-run\(run)-seed\(base)")
                row.bounds.append(result.bound)
                row.footLosses += [a.1, b.1]
                row.foldMax.append(result.foldMax)
                row.directMax.append(result.directMax)
            }
            rows.append(row)
        }
        let outcome = try ngdWidthOutcome(
            rows: rows, context: context, file: "ngd-width-relu.svg",
            title: "NGD bound vs width: two-layer ReLU students (M = 4, d = 4)",
            paperStatement:
                "Fig. 3 (left): for SGD-trained two-layer ReLU students of an M = 4 teacher, the NGD estimated with the §5 algorithm decreases monotonically towards 1 as the width m grows.",
            setting:
                "x ~ Unif(S³) (n = \(n)), teacher Σ_{j≤4} ReLU(x_j); students mlp:4-m-1:relu:nobias with the output row frozen at 1 (the paper's student), full-batch Adam 0.01 for \(budget.plateau == nil ? "" : "at most ")\(steps) steps from N(0, 1/m²) weights; centre: Adam 0.01, batch 100, \(budget.centreEpochs) epochs, B_r = 1, B_t = 3, λ = \(Self.penalty), output row frozen; widths \(widths), \(runs) run(s) each",
            differences:
                "full-batch Adam instead of SGD; λ = \(Self.penalty) chosen a priori (not stated); \(runs) run(s) per width"
                + (budget.paperNote(minima: "100 steps").map { "; " + $0 } ?? "")
                + (budget.reducedSizes.map { "; " + $0 } ?? ""),
            penalty: Self.penalty)
        return try ReLUDiagnosis.add(
            to: outcome, context: context, widths: widths, centreEpochs: budget.centreEpochs, penalty: Self.penalty)
    }
}

/// Fig. 4 of Lin, Li & Wu 2024: NGD bound against width for two-layer linear networks A₂A₁x with
/// d = m fitting a linear teacher y = Qx, centres fitted by the §5 algorithm, averaged over runs.
public struct StarLinearWidthClaim: Claim {
    public let id = "star-ngd-width-linear"
    public let paper = Paper.lin2024
    public let title = "Fig. 4: the NGD of two-layer linear network minima decreases towards 1 with width"
    public let estimatedSeconds = 120
    public static let penalty = 1e-3
    public var hasPaperSetting: Bool { true }

    public init() {}

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let budget = StarWidthSetting.linear(context)
        let widths = budget.widths
        let runs = budget.runs
        let n = budget.n
        var rows: [NGDWidthRow] = []
        for m in widths {
            var row = NGDWidthRow(width: m, bounds: [], footLosses: [], foldMax: [], directMax: [])
            let network = try Network(parsing: "linear:\(m)-\(m)-1")
            let dataset = LinearTeacher(
                dimension: m, outputs: 1, trainCount: n, testCount: 0, noise: 0, teacher: .gaussian,
                seed: context.seed &+ 400 &+ UInt64(m)
            ).generate()
            for run in 0..<runs {
                let base = context.seed &+ 1000 &* UInt64(m) &+ 10 &* UInt64(run)
                let minima = try StarExperiments.trainMinima(
                    network: network, dataset: dataset, count: 2,
                    configuration: TrainingConfiguration(
                        epochs: budget.minimaLength, batchSize: 50, learningRate: 0.01, optimizer: .adam(), seed: 0,
                        loss: .meanSquaredError),
                    seed: base, progress: ProgressReporter(style: .quiet), plateau: budget.plateau,
                    states: budget.states, name: "minimum-m\(m)-run\(run)")
                let result = try StarExperiments.ngd(
                    network: network, dataset: dataset, feet: minima.map(\.parameters),
                    configuration: CentreConfiguration(
                        epochs: budget.centreEpochs, batchSize: 50, learningRate: 0.01, penalty: Self.penalty,
                        seed: base, loss: .meanSquaredError),
                    points: budget.points, progress: context.progress, states: budget.states,
                    name: "centre-m\(m)-run\(run)-seed\(base)")
                row.bounds.append(result.bound)
                row.footLosses += minima.map(\.train.loss)
                row.foldMax.append(result.foldMax)
                row.directMax.append(result.directMax)
            }
            rows.append(row)
        }
        return try ngdWidthOutcome(
            rows: rows, context: context, file: "ngd-width-linear.svg",
            title: "NGD bound vs width: two-layer linear networks (d = m)",
            paperStatement:
                "Fig. 4: for two-layer linear networks with d = m, the NGD (centre trained by the §5 algorithm, average of 5 runs) decreases towards 1 as the width grows (not proven).",
            setting:
                "y = Qx, Q ~ N(0, 1/d) (1×d), x ~ N(0, I_d), n = \(n); linear:m-m-1 minima from PyTorch-style initialisation, Adam 0.01 batch 50, \(budget.plateau == nil ? "" : "at most ")\(budget.minimaLength) epochs; centre: Adam 0.01, batch 50, \(budget.centreEpochs) epochs, B_r = 1, B_t = 3, λ = \(Self.penalty); widths \(widths), \(runs) run(s) each",
            differences:
                "the paper's data distribution, training and λ are not stated; λ = \(Self.penalty) chosen a priori"
                + (budget.paperNote(minima: "epoch").map { "; " + $0 } ?? "")
                + (budget.reducedSizes.map { "; " + $0 } ?? ""),
            penalty: Self.penalty)
    }
}
