import Foundation
import OrbitNumerics
import OrbitReports

/// The claims of Zhan, Li & Wu (2025) that `orbit reproduce` checks.
public enum Zhan2025Claims {
    public static var all: [any Claim] {
        [WidthBarrierClaim(setting: .teacherStudent), WidthBarrierClaim(setting: .fashionMNIST)]
    }
}

/// Zhan, Li & Wu 2025 (arXiv 2503.06001; docs/math/alignment.md §11): as the width m of a two-layer
/// ReLU network grows, the loss barrier of the straight line between two trained networks *modulo
/// permutation* shows double descent and then decays like m^{−1/2}.
///
/// A width sweep (``WidthBarrierSweep``) on the teacher–student problem (the paper's setting) or on
/// Fashion-MNIST (small MLPs, the nearest offline stand-in for the paper's MNIST). The criterion,
/// fixed before running, on B(m) = the mean over seeds of the test-loss barrier after weight
/// matching, relative to the loss scale: (1) *double descent* — B has its maximum at an interior width
/// m_peak, at least 1.5× the smallest B at widths below m_peak; (2) *decay* — the log–log slope of B
/// fitted over the widths above m_peak (at least 3) lies in −1/2 ± 1/4. Both must hold.
public struct WidthBarrierClaim: Claim {
    public enum Setting: String, Sendable {
        case teacherStudent = "teacher-student"
        case fashionMNIST = "fashion-mnist"
    }

    public let setting: Setting

    public init(setting: Setting) { self.setting = setting }

    public var id: String { "zhan-width-" + (setting == .teacherStudent ? "ts" : "fmnist") }
    public var paper: Paper { .zhan2025 }
    public var title: String {
        "Barrier modulo permutation against width (\(setting.rawValue)): double descent, then ~m^(−1/2)"
    }
    public var estimatedSeconds: Int { setting == .teacherStudent ? 120 : 300 }

    /// The shape analysis of a barrier curve (x increasing).
    public struct Shape: Sendable, Equatable {
        /// Index of the largest value, nil when the curve has fewer than 3 points.
        public var peakIndex: Int?
        /// Whether the maximum is interior and ≥ `factor` × the smallest value before it.
        public var doubleDescent: Bool
        /// Fitted log–log slope over the points after the peak (NaN with fewer than 3).
        public var decaySlope: Double
        /// The first index after the peak where the barrier is ≤ 0 (the interpolation stays below the
        /// end points' line: no barrier at all), nil if none; the slope is fitted before it.
        public var vanishingIndex: Int?
        /// Interior local maxima at least `factor` × the smallest value before them (reported beside
        /// the criterion, which uses the global maximum only).
        public var localPeaks: [Int]

        /// Analyses (x, y); `factor` is the required peak-to-dip ratio.
        public init(x: [Double], y: [Double], factor: Double = 1.5) {
            localPeaks =
                y.count >= 3
                ? (1..<(y.count - 1)).filter { i in
                    y[i] > y[i - 1] && y[i] > y[i + 1] && y[i] >= factor * (y[..<i].min() ?? .infinity)
                } : []
            guard x.count >= 3, let top = y.indices.max(by: { y[$0] < y[$1] }) else {
                peakIndex = nil
                doubleDescent = false
                decaySlope = .nan
                vanishingIndex = nil
                return
            }
            peakIndex = top
            let dip = y[..<top].min() ?? .infinity
            doubleDescent = top > 0 && top < y.count - 1 && y[top] >= factor * dip
            vanishingIndex = y.indices.first { $0 > top && y[$0] <= 0 }
            let end = vanishingIndex ?? y.count
            let tailX = Array(x[(top + 1)..<end]), tailY = Array(y[(top + 1)..<end])
            decaySlope = tailX.count >= 3 ? NeuronTransport.logLogSlope(x: tailX, y: tailY) : .nan
        }
    }

    /// What one sweep trains: the budget's widths, data and training.
    struct SweepSetting {
        var widths: [Int]
        var architecture: String
        var epochs: Int
        var batchSize: Int
        /// Teacher–student: the training set's size n; Fashion-MNIST: the per-split sample limit.
        var samples: Int
        var seeds: [UInt64]
        var learningRate = 1e-3
    }

    func sweepSetting(_ context: ReproductionContext) throws -> SweepSetting {
        let quick = context.quick
        let seeds: [UInt64] = quick ? [context.seed] : [context.seed, context.seed + 1]
        switch setting {
        case .teacherStudent:
            // Lin, Li & Wu's teacher (w*_j = e_j, M = 4) on the sphere in d = 8; students with output weights.
            return SweepSetting(
                widths: quick ? [2, 4, 8, 32] : [2, 3, 4, 5, 6, 8, 12, 16, 32, 64, 128, 256],
                architecture: "mlp:8-{m}-1:relu:nobias", epochs: quick ? 20 : 200, batchSize: 50,
                samples: quick ? 500 : 1000, seeds: seeds)
        case .fashionMNIST:
            let shape = try LearningRateSweep.shape(LearningRateSweep.resolveData(context.data).spec)
            return SweepSetting(
                widths: quick ? [4, 16, 64] : [4, 8, 16, 32, 64, 128, 256, 512],
                architecture: "mlp:\(shape.inputs)-{m}-\(shape.outputs):relu", epochs: quick ? 1 : 5, batchSize: 100,
                samples: quick ? 1000 : 10000, seeds: seeds)
        }
    }

    /// The data specification of `s` and the fallback note when Fashion-MNIST is missing.
    func data(_ s: SweepSetting, context: ReproductionContext) -> (spec: String, limit: Int?, fallback: String?) {
        switch setting {
        case .teacherStudent:
            return ("synthetic:teacher-student:d=8,M=4,n=\(s.samples),test=1000,seed=\(context.seed)", nil, nil)
        case .fashionMNIST:
            let resolved = LearningRateSweep.resolveData(context.data)
            return (resolved.spec, s.samples, resolved.fallback)
        }
    }

    /// The barrier curves of one sweep (each relative to the loss scale) and the shape of the
    /// weight-matching one; the sweep's runs go to `directory`/sweep.
    struct Measurement {
        var weight: (x: [Double], y: [Double])
        var activation: (x: [Double], y: [Double])
        var naive: (x: [Double], y: [Double])
        var endpoint: (x: [Double], y: [Double])
        var scale: Double
        var shape: Shape
        var activationShape: Shape

        /// The criterion: double descent and a slope after the peak in −½ ± ¼.
        var decays: Bool { shape.decaySlope.isFinite && abs(shape.decaySlope + 0.5) <= 0.25 }
        var holds: Bool { shape.doubleDescent && decays }
        /// Distance to the criterion: |slope + ½| (1 when no slope), plus 1 without double descent.
        var score: Double {
            (shape.doubleDescent ? 0 : 1) + (shape.decaySlope.isFinite ? abs(shape.decaySlope + 0.5) : 1)
        }
    }

    func measure(_ s: SweepSetting, context: ReproductionContext) throws -> Measurement {
        let (spec, limit, _) = data(s, context: context)
        let sweep = WidthBarrierSweep.sweep(
            widths: s.widths, data: spec, limit: limit, architecture: s.architecture, epochs: s.epochs,
            batchSize: s.batchSize, learningRate: s.learningRate, seeds: s.seeds)
        let c = try AlignmentClaimSupport.runAndCollect(sweep, context: context)
        let scale = AlignmentClaimSupport.curve(c, "target_scale").y.first ?? 1
        func relative(_ metric: String) -> (x: [Double], y: [Double]) {
            let curve = AlignmentClaimSupport.curve(c, metric)
            return (curve.x, curve.y.map { $0 / scale })
        }
        let weight = relative("barrier.weight-matching.test")
        let activation = relative("barrier.activation-matching.test")
        return Measurement(
            weight: weight, activation: activation, naive: relative("barrier.none.test"),
            endpoint: relative("endpoint_loss.test"), scale: scale, shape: Shape(x: weight.x, y: weight.y),
            activationShape: Shape(x: activation.x, y: activation.y))
    }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let s = try sweepSetting(context)
        let (data, limit, fallback) = self.data(s, context: context)
        let (widths, architecture, epochs, batchSize, seeds) = (
            s.widths, s.architecture, s.epochs, s.batchSize, s.seeds
        )
        let learningRate = s.learningRate
        let m = try measure(s, context: context)
        let (weight, activation, naive, endpoint) = (m.weight, m.activation, m.naive, m.endpoint)
        let (shape, activationShape, scale) = (m.shape, m.activationShape, m.scale)
        let peakWidth = shape.peakIndex.map { Int(weight.x[$0]) }
        let decays = m.decays
        let f = AlignmentClaimSupport.format

        var chart = LineChart(
            title: "Barrier modulo permutation against width (\(setting.rawValue))", xLabel: "hidden width m",
            yLabel: "test-loss barrier / \(setting == .teacherStudent ? "E y²" : "1")", yScale: .logarithmic)
        chart.xScale = .logarithmic
        chart.series.append(
            .init(name: "after weight matching", x: weight.x, y: weight.y, style: .train(0, marker: .circle)))
        chart.series.append(
            .init(
                name: "after activation matching", x: activation.x, y: activation.y, style: .train(1, marker: .square)))
        chart.series.append(.init(name: "no alignment", x: naive.x, y: naive.y, style: .test(2)))
        chart.series.append(.init(name: "end points' mean test loss", x: endpoint.x, y: endpoint.y, style: .test(3)))
        if let top = shape.peakIndex, top + 1 < weight.x.count {
            let x0 = weight.x[top + 1], y0 = weight.y[top + 1]
            chart.series.append(
                .init(
                    name: "m^(−1/2) after the peak", x: Array(weight.x[(top + 1)...]),
                    y: weight.x[(top + 1)...].map { y0 * ($0 / x0).squareRoot().reciprocalValue },
                    style: .init(colour: Palette.colour(0), dash: .dotted)))
        }
        if let peakWidth { chart.verticalLines.append(.init(at: Double(peakWidth), label: "peak m = \(peakWidth)")) }
        let figure = try AlignmentClaimSupport.figure(
            chart, name: "width-barrier.svg",
            caption: "Mean over \(seeds.count) seed pair(s); convex-combination barrier of the test loss (first 2000 "
                + "test rows) on 25 points; "
                + "\(architecture), Adam \(learningRate), \(epochs) epochs, batch \(batchSize).", context: context)
        var section = HTMLReport.Section("Barrier against width")
        section.figure(figure)
        section.table(
            HTMLReport.Table(
                columns: ["m", "weight matching", "activation matching", "no alignment", "end points' test loss"],
                rows: weight.x.indices.map { i in
                    func at(_ v: [Double]) -> String { i < v.count ? f(v[i]) : "–" }
                    return ["\(Int(weight.x[i]))", at(weight.y), at(activation.y), at(naive.y), at(endpoint.y)]
                }))
        section.paragraph(
            "Criterion (fixed before running): double descent — the weight-matching curve peaks at an interior width, "
                + "≥ 1.5× its smallest value at narrower widths (\(shape.doubleDescent ? "yes" : "no"), peak at m = "
                + "\(peakWidth.map(String.init) ?? "–")); decay — log–log slope after the peak in −0.5 ± 0.25 "
                + "(\(f(shape.decaySlope))). Activation matching: peak at m = "
                + "\(activationShape.peakIndex.map { String(Int(activation.x[$0])) } ?? "–"), slope \(f(activationShape.decaySlope)). "
                + "Interior local peaks ≥ 1.5× the narrower minimum (not part of the criterion): "
                + (shape.localPeaks.isEmpty
                    ? "none" : shape.localPeaks.map { "m = \(Int(weight.x[$0]))" }.joined(separator: ", "))
                + ". End points' test loss per width shows where the networks are near a minimum "
                + (setting == .teacherStudent ? "(below m = M = 4 no student can fit the teacher). " : ". ")
                + "Per-run numbers: sweep/report/results.csv.")
        let numbers: ResultValue = [
            "widths": weight.x, "barrier_weight_matching": weight.y, "barrier_activation_matching": activation.y,
            "barrier_none": naive.y, "endpoint_test_loss": endpoint.y, "loss_scale": scale,
            "peak_width": peakWidth.map { ResultValue.number(Double($0)) } ?? .null,
            "double_descent": ResultValue.bool(shape.doubleDescent), "decay_slope": shape.decaySlope,
            "local_peak_widths": shape.localPeaks.map { weight.x[$0] },
            "vanishing_width": shape.vanishingIndex.map { ResultValue.number(weight.x[$0]) } ?? .null,
            "activation_peak_width": activationShape.peakIndex.map { ResultValue.number(activation.x[$0]) } ?? .null,
            "activation_decay_slope": activationShape.decaySlope, "seeds": seeds.map { Int($0) },
        ]
        try JSONReport.write(numbers, to: context.directory + "/width-barrier.json")
        var why: [String] = []
        if !shape.doubleDescent {
            why.append("no interior peak ≥ 1.5× the narrower widths' minimum (no double descent)")
        }
        if !decays {
            if let v = shape.vanishingIndex, !shape.decaySlope.isFinite {
                why.append(
                    "the barrier vanishes (≤ 0) from m = \(Int(weight.x[v])) on, too soon to fit a slope: it falls faster "
                        + "than m^(−1/2)")
            } else {
                why.append("slope after the peak \(f(shape.decaySlope)) is outside −0.5 ± 0.25")
            }
        }
        let settingText: String
        switch setting {
        case .teacherStudent:
            settingText =
                "teacher f*(x) = Σ_{j≤4} ReLU(x_j), x uniform on S^7, students \(architecture), widths \(widths), "
                + "Adam \(learningRate), \(epochs) epochs, batch \(batchSize), \(seeds.count) seed pair(s), seed \(context.seed)"
        case .fashionMNIST:
            settingText =
                "\(data) (≤ \(limit ?? 0) samples per split), \(architecture), widths \(widths), Adam \(learningRate), "
                + "\(epochs) epochs, batch \(batchSize), \(seeds.count) seed pair(s), seed \(context.seed)"
        }
        let outcome = ClaimOutcome(
            paperStatement:
                "Zhan, Li & Wu 2025: the LMC loss barrier modulo permutation shows double descent in the width m, then "
                + "decays like O(m^(−1/2)) (teacher–student two-layer ReLU; MNIST).",
            orbitResult:
                "weight matching: peak at m = \(peakWidth.map(String.init) ?? "–") (double descent: \(shape.doubleDescent)), "
                + "slope after the peak \(f(shape.decaySlope))"
                + (shape.vanishingIndex.map { "; barrier ≤ 0 from m = \(Int(weight.x[$0]))" } ?? "")
                + "; local peaks at m = "
                + (shape.localPeaks.isEmpty
                    ? "none" : shape.localPeaks.map { "\(Int(weight.x[$0]))" }.joined(separator: ", "))
                + "; activation matching: peak at m = "
                + "\(activationShape.peakIndex.map { String(Int(activation.x[$0])) } ?? "–"), slope \(f(activationShape.decaySlope))",
            setting: settingText,
            differences: (setting == .fashionMNIST
                ? "Fashion-MNIST instead of MNIST (the only image set installed offline); " : "")
                + "Adam at a fixed learning rate and a fixed epoch budget instead of the paper's GD to convergence; "
                + "barrier on a held-out split; layer-wise matching (exact for one hidden layer)"
                + (fallback.map { "; " + $0 } ?? ""),
            verdict: why.isEmpty ? .reproduced : .differs(why.joined(separator: "; ")), sections: [section],
            numbers: numbers)
        return outcome.addingDiagnosis(try diagnosis(s, baseline: m, context: context))
    }
}

extension Double {
    fileprivate var reciprocalValue: Double { 1 / self }
}
