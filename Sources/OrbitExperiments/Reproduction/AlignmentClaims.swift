import Foundation
import OrbitNumerics
import OrbitReports

/// The claims of Ferbach et al. (2024), optimal transport and alignment that `orbit reproduce` checks.
public enum AlignmentClaims {
    public static var all: [any Claim] {
        [WidthMatchingCostClaim(), BirkhoffClaim(), MeanFieldBarrierClaim(), LearningRateSweepClaim()]
    }
}

/// Shared steps of the alignment claims: run a sweep into the claim's folder (runs are cached by
/// configuration hash, so a rerun of `orbit reproduce` into the same folder is free) and collect it.
enum AlignmentClaimSupport {
    static func runAndCollect<C>(_ sweep: Sweep<C>, context: ReproductionContext) throws -> SweepCollection {
        let directory = context.directory + "/sweep"
        let progress = context.progress
        try SweepRunner(directory: directory, log: { progress.note($0) }).run(sweep)
        let collection = try SweepCollection(directories: [directory])
        try collection.write(to: directory + "/report")
        return collection
    }

    /// Writes `chart` into the claim's folder and returns the figure.
    static func figure(_ chart: LineChart, name: String, caption: String, context: ReproductionContext) throws
        -> HTMLReport.Figure
    {
        try chart.write(to: context.directory + "/" + name)
        return HTMLReport.Figure(chart, caption: caption)
    }

    static func format(_ x: Double) -> String {
        if !x.isFinite { return "\(x)" }
        if x == 0 { return "0" }
        if abs(x) < 1e-3 || abs(x) >= 1e5 { return String(format: "%.3e", x) }
        return String(format: "%.4g", x)
    }

    /// The series of `metric` (mean over seeds) as (x, y).
    static func curve(_ c: SweepCollection, _ metric: String) -> (x: [Double], y: [Double]) {
        let s = c.series(metric).first
        return (s?.x ?? [], s?.y ?? [])
    }
}

/// (a) Thm 5.3 [S]: at initialisation the best matching cost between the first layer's neurons of
/// two independent Gaussian networks decays like m^{−2/d}.
public struct WidthMatchingCostClaim: Claim {
    public init() {}
    public var id: String { "ot-width-init" }
    public var paper: Paper { .ferbach2024 }
    public var title: String { "Thm 5.3: neuron matching cost at initialisation decays as m^(−2/d)" }
    public var estimatedSeconds: Int { 120 }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let d = 5
        let widths = context.quick ? [8, 16, 32, 64] : [16, 32, 64, 128, 256, 512, 1024]
        let seeds: [UInt64] = context.quick ? [context.seed, context.seed + 1] : (0..<3).map { context.seed + $0 }
        let sweep = WidthAtInitialization.sweep(
            widths: widths, inputDimension: d, hiddenLayers: 2, seeds: seeds, samples: context.quick ? 200 : 500)
        let c = try AlignmentClaimSupport.runAndCollect(sweep, context: context)
        let layer1 = AlignmentClaimSupport.curve(c, "layer1.cost")
        let layer2 = AlignmentClaimSupport.curve(c, "layer2.cost")
        let unmatched = AlignmentClaimSupport.curve(c, "layer1.cost_unaligned")
        let slope = NeuronTransport.logLogSlope(x: layer1.x, y: layer1.y)
        let slope2 = NeuronTransport.logLogSlope(x: layer2.x, y: layer2.y)
        let predicted = -2 / Double(d)
        let tolerance = 0.3 * abs(predicted)
        let agrees = slope.isFinite && abs(slope - predicted) <= tolerance

        var chart = LineChart(
            title: "Matching cost at initialisation (d = \(d))", xLabel: "width m", yLabel: "(1/m) Σ‖a − b_π‖²",
            yScale: .logarithmic)
        chart.xScale = .logarithmic
        chart.series.append(
            .init(name: "layer 1 (neurons in R^\(d))", x: layer1.x, y: layer1.y, style: .train(0, marker: .circle)))
        chart.series.append(
            .init(name: "layer 2 (neurons in R^m)", x: layer2.x, y: layer2.y, style: .train(1, marker: .square)))
        chart.series.append(.init(name: "layer 1 unmatched", x: unmatched.x, y: unmatched.y, style: .test(2)))
        if let x0 = layer1.x.first, let y0 = layer1.y.first {
            chart.series.append(
                .init(
                    name: "m^(−2/d) through the first point", x: layer1.x,
                    y: layer1.x.map { y0 * pow($0 / x0, predicted) }, style: .test(0)))
        }
        let figure = try AlignmentClaimSupport.figure(
            chart, name: "matching-cost.svg", caption: "Mean over \(seeds.count) seeds; log–log axes.", context: context
        )
        let barrierNaive = AlignmentClaimSupport.curve(c, "interp_error_relative.naive")
        let barrierAligned = AlignmentClaimSupport.curve(c, "interp_error_relative.aligned")
        var interp = LineChart(
            title: "Relative output interpolation error at t = ½", xLabel: "width m",
            yLabel: "E‖f(θ_½) − ½(f_A + f_B)‖² / E‖f‖²",
            yScale: .logarithmic)
        interp.xScale = .logarithmic
        interp.series.append(.init(name: "no alignment", x: barrierNaive.x, y: barrierNaive.y, style: .train(0)))
        interp.series.append(
            .init(name: "after OT alignment", x: barrierAligned.x, y: barrierAligned.y, style: .train(1)))
        let interpFigure = try AlignmentClaimSupport.figure(
            interp, name: "interpolation-error.svg", caption: "Two-hidden-layer ReLU networks, x ~ N(0, I_d).",
            context: context)

        let f = AlignmentClaimSupport.format
        var section = HTMLReport.Section("Matching cost against width")
        section.table(
            HTMLReport.Table(
                columns: [
                    "m", "layer 1 cost", "layer 2 cost", "layer 1 unmatched", "rel. interp. error (none)",
                    "rel. interp. error (aligned)",
                ],
                rows: layer1.x.indices.map { i in
                    [
                        "\(Int(layer1.x[i]))", f(layer1.y[i]), i < layer2.y.count ? f(layer2.y[i]) : "–",
                        i < unmatched.y.count ? f(unmatched.y[i]) : "–",
                        i < barrierNaive.y.count ? f(barrierNaive.y[i]) : "–",
                        i < barrierAligned.y.count ? f(barrierAligned.y[i]) : "–",
                    ]
                }))
        section.figure(figure)
        section.figure(interpFigure)
        section.paragraph(
            "Fitted log–log slope of the layer-1 cost: \(f(slope)) (predicted −2/d = \(f(predicted)), tolerance ±\(f(tolerance))); "
                + "layer 2, whose neurons live in R^m: \(f(slope2)). Per-run numbers: sweep/report/results.csv.")
        let numbers: ResultValue = [
            "widths": layer1.x, "layer1_cost": layer1.y, "layer2_cost": layer2.y, "slope_layer1": slope,
            "slope_layer2": slope2, "predicted_slope": predicted, "tolerance": tolerance, "input_dimension": d,
            "seeds": seeds.map { Int($0) }, "interp_error_naive": barrierNaive.y,
            "interp_error_aligned": barrierAligned.y,
        ]
        try JSONReport.write(numbers, to: context.directory + "/matching-cost.json")
        return ClaimOutcome(
            paperStatement:
                "Thm 5.3 [S] with Fournier–Guillin [R]: for i.i.d. neurons with a density in R^d, the expected best-permutation matching "
                + "cost E min_π (1/m) Σ‖a_i − b_π(i)‖² decays at the dimension-dependent rate, log–log slope ≈ −2/d (docs/math/alignment.md §5).",
            orbitResult:
                "layer-1 slope \(f(slope)) vs predicted \(f(predicted)) (d = \(d)); layer-2 slope \(f(slope2))",
            setting:
                "mlp:\(d)-m-m-1:relu:nobias, weights N(0, 1/fan-in), m ∈ \(widths), \(seeds.count) seeds, exact assignment per layer",
            differences:
                "the paper states a bound, not a fitted slope; we fit over m ≤ \(widths.last!) where pre-asymptotic effects remain",
            verdict: agrees
                ? .reproduced
                : .differs("fitted slope \(f(slope)) is outside \(f(predicted)) ± \(f(tolerance))"),
            sections: [section], numbers: numbers)
    }
}

/// (b) Lemma B.3 [S] (Birkhoff–von Neumann): for two m-point empirical measures,
/// W₂² = min_π (1/m) Σ‖a_i − b_π(i)‖².
public struct BirkhoffClaim: Claim {
    public init() {}
    public var id: String { "ot-birkhoff" }
    public var paper: Paper { .ferbach2024 }
    public var title: String { "Lemma B.3: assignment cost / m equals W₂² between empirical neuron measures" }
    public var estimatedSeconds: Int { 20 }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let d = 5
        let sizes = context.quick ? [2, 3, 4, 5, 6, 8, 16] : [2, 3, 4, 5, 6, 7, 8, 16, 32, 64]
        let repetitions = context.quick ? 2 : 4
        var rows: [[String]] = []
        var lap: [Double] = [], brute: [Double] = [], entropic: [Double] = []
        var worstBrute = 0.0, worstEntropic = 0.0
        for m in sizes {
            var sumLAP = 0.0, sumBrute = 0.0, sumEntropic = 0.0
            var hasBrute = false
            for r in 0..<repetitions {
                var g = SeededGenerator(seed: context.seed &* 1000 &+ UInt64(m * 10 + r))
                let a = Matrix<Double>.normal(rows: m, columns: d, generator: &g)
                let b = Matrix<Double>.normal(rows: m, columns: d, generator: &g)
                let cost = try NeuronTransport.assignmentCost(a, b).cost
                sumLAP += cost
                if m <= 7 {
                    let bf = NeuronTransport.bruteForceCost(a, b)
                    sumBrute += bf
                    hasBrute = true
                    worstBrute = max(worstBrute, abs(bf - cost) / max(cost, 1e-300))
                }
                let e = NeuronTransport.entropicCost(a, b, epsilon: 1e-3, iterations: context.quick ? 1500 : 4000)
                sumEntropic += e
                worstEntropic = max(worstEntropic, abs(e - cost) / max(cost, 1e-300))
            }
            let n = Double(repetitions)
            lap.append(sumLAP / n)
            brute.append(hasBrute ? sumBrute / n : .nan)
            entropic.append(sumEntropic / n)
            rows.append([
                "\(m)", AlignmentClaimSupport.format(sumLAP / n),
                hasBrute ? AlignmentClaimSupport.format(sumBrute / n) : "– (m! too large)",
                AlignmentClaimSupport.format(sumEntropic / n),
            ])
        }
        let bruteTolerance = 1e-9, entropicTolerance = 0.02
        let agrees = worstBrute <= bruteTolerance && worstEntropic <= entropicTolerance
        var chart = LineChart(title: "W₂² three ways (d = \(d))", xLabel: "m", yLabel: "cost", yScale: .logarithmic)
        chart.xScale = .logarithmic
        let xs = sizes.map(Double.init)
        chart.series.append(
            .init(name: "assignment / m (Jonker–Volgenant)", x: xs, y: lap, style: .train(0, marker: .circle)))
        chart.series.append(
            .init(name: "brute force over m! permutations", x: xs, y: brute, style: .test(1, marker: .square)))
        chart.series.append(
            .init(
                name: "Sinkhorn ⟨γ_ε, C⟩, all couplings (ε = 10⁻³·mean C)", x: xs, y: entropic,
                style: .test(2, marker: .diamond)))
        let figure = try AlignmentClaimSupport.figure(
            chart, name: "birkhoff.svg", caption: "Mean over \(repetitions) draws of two Gaussian clouds.",
            context: context)
        var section = HTMLReport.Section("Assignment cost against optimal transport")
        section.table(
            HTMLReport.Table(columns: ["m", "LAP cost / m", "brute force", "Sinkhorn (couplings)"], rows: rows))
        section.figure(figure)
        section.paragraph(
            "Largest relative gap LAP vs brute force: \(AlignmentClaimSupport.format(worstBrute)) (tolerance \(bruteTolerance)); "
                + "LAP vs Sinkhorn over all couplings: \(AlignmentClaimSupport.format(worstEntropic)) (tolerance \(entropicTolerance); "
                + "the entropic plan's cost exceeds W₂² by O(ε log m)).")
        let numbers: ResultValue = [
            "sizes": sizes, "assignment_cost": lap,
            "brute_force_cost": brute.map { $0.isFinite ? ResultValue.number($0) : .null },
            "sinkhorn_cost": entropic, "worst_relative_gap_brute": worstBrute,
            "worst_relative_gap_sinkhorn": worstEntropic,
            "input_dimension": d, "repetitions": repetitions,
        ]
        try JSONReport.write(numbers, to: context.directory + "/birkhoff.json")
        return ClaimOutcome(
            paperStatement:
                "Lemma B.3 [S]: for μ̂ = (1/m)Σδ_{a_i}, ν̂ = (1/m)Σδ_{b_j}, W_p^p(μ̂, ν̂) = min_{π∈S_m} (1/m) Σ‖a_i − b_π(i)‖^p (docs/math/alignment.md §2).",
            orbitResult:
                "max relative gap \(AlignmentClaimSupport.format(worstBrute)) to brute force, \(AlignmentClaimSupport.format(worstEntropic)) to Sinkhorn over couplings",
            setting: "Gaussian clouds in R^\(d), m ∈ \(sizes), \(repetitions) draws each, p = 2",
            differences: "W₂² over couplings is approximated by entropic OT with small ε (no exact LP solver)",
            verdict: agrees
                ? .reproduced
                : .differs(
                    "gaps \(AlignmentClaimSupport.format(worstBrute)) / \(AlignmentClaimSupport.format(worstEntropic)) exceed the tolerances"
                ),
            sections: [section], numbers: numbers)
    }
}

/// (c) Thm 3.1 [S]: two-layer mean-field networks trained by SGD are linearly connected after a
/// permutation, with an error that vanishes as the width grows.
public struct MeanFieldBarrierClaim: Claim {
    public init() {}
    public var id: String { "ot-mean-field" }
    public var paper: Paper { .ferbach2024 }
    public var title: String { "Thm 3.1: after alignment, the barrier of mean-field two-layer nets shrinks with width" }
    public var estimatedSeconds: Int { 90 }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let widths = context.quick ? [8, 32, 128] : [16, 32, 64, 128, 256, 512, 1024]
        let seeds: [UInt64] = context.quick ? [context.seed] : (0..<3).map { context.seed + $0 }
        let steps = context.quick ? 1000 : 8000
        let sweep = MeanFieldTwoLayer.sweep(
            widths: widths, inputDimension: 4, teacherNeurons: 2, steps: steps, stepSize: 0.05, seeds: seeds,
            testSamples: context.quick ? 200 : 1000)
        let c = try AlignmentClaimSupport.runAndCollect(sweep, context: context)
        let aligned = AlignmentClaimSupport.curve(c, "interp_error.aligned")
        let naive = AlignmentClaimSupport.curve(c, "interp_error.naive")
        let barrierAligned = AlignmentClaimSupport.curve(c, "barrier.aligned")
        let barrierNaive = AlignmentClaimSupport.curve(c, "barrier.naive")
        let cost = AlignmentClaimSupport.curve(c, "matching_cost")
        let endpoint = AlignmentClaimSupport.curve(c, "endpoint_loss")
        let slope = NeuronTransport.logLogSlope(x: aligned.x, y: aligned.y)
        let decreases = slope < 0 && (aligned.y.last ?? .nan) < (aligned.y.first ?? .nan)
        let beatsNaive = (aligned.y.last ?? .nan) < (naive.y.last ?? .nan)
        var chart = LineChart(
            title: "Mean-field two-layer nets: interpolation error", xLabel: "width N",
            yLabel: "sup_t E_x |t f_A + (1−t) f_B − f(θ(t))|", yScale: .logarithmic)
        chart.xScale = .logarithmic
        chart.series.append(.init(name: "no alignment", x: naive.x, y: naive.y, style: .train(0, marker: .circle)))
        chart.series.append(
            .init(name: "after OT alignment", x: aligned.x, y: aligned.y, style: .train(1, marker: .square)))
        chart.series.append(.init(name: "W₂² of the neuron clouds", x: cost.x, y: cost.y, style: .test(2)))
        let figure = try AlignmentClaimSupport.figure(
            chart, name: "mean-field.svg", caption: "Mean over \(seeds.count) seed(s); log–log axes.", context: context)
        let f = AlignmentClaimSupport.format
        var section = HTMLReport.Section("Interpolation error and barrier against width")
        section.table(
            HTMLReport.Table(
                columns: [
                    "N", "end-point test MSE", "interp. error (none)", "interp. error (aligned)", "barrier (none)",
                    "barrier (aligned)", "W₂²",
                ],
                rows: aligned.x.indices.map { i in
                    func at(_ v: [Double]) -> String { i < v.count ? f(v[i]) : "–" }
                    return [
                        "\(Int(aligned.x[i]))", at(endpoint.y), at(naive.y), at(aligned.y), at(barrierNaive.y),
                        at(barrierAligned.y), at(cost.y),
                    ]
                }))
        section.figure(figure)
        section.paragraph("Fitted log–log slope of the aligned interpolation error: \(f(slope)).")
        let numbers: ResultValue = [
            "widths": aligned.x, "interp_error_aligned": aligned.y, "interp_error_naive": naive.y,
            "barrier_aligned": barrierAligned.y, "barrier_naive": barrierNaive.y, "matching_cost": cost.y,
            "endpoint_loss": endpoint.y, "slope_aligned": slope, "steps": steps, "step_size": 0.05,
        ]
        try JSONReport.write(numbers, to: context.directory + "/mean-field.json")
        return ClaimOutcome(
            paperStatement:
                "Thm 3.1 [S]: for N ≥ N_min there is a permutation π with |t f_A + (1−t) f_B − f(tθ_A + (1−t)π(θ_B))| ≤ err for all t "
                + "and a.e. x — the aligned interpolation error → 0 as N grows (docs/math/alignment.md §3).",
            orbitResult:
                "aligned error \(f(aligned.y.first ?? .nan)) → \(f(aligned.y.last ?? .nan)) from N = \(widths.first!) to \(widths.last!) (slope \(f(slope))); "
                + "unaligned \(f(naive.y.last ?? .nan)) at N = \(widths.last!)",
            setting:
                "f = (1/N)Σ a_i tanh(w_i·x), d = 4, teacher Σ_{j<2} ReLU(x_j) on S³, one-pass SGD, \(steps) steps of ε = 0.05, \(seeds.count) seed(s)",
            differences: "finite N and horizon; the theorem is asymptotic and gives no rate",
            verdict: decreases && beatsNaive
                ? .reproduced
                : .differs(
                    decreases
                        ? "the aligned error does not beat the unaligned one at the largest width"
                        : "the aligned error does not decrease with width (slope \(f(slope)))"),
            sections: [section], numbers: numbers)
    }
}

/// (d) Fig. 2 [C]: Σ-weighted weight matching beats plain weight matching at every learning rate
/// but the largest; activation matching is close to (or slightly better than) Σ-weighted matching.
public struct LearningRateSweepClaim: Claim {
    public init() {}
    public var id: String { "ot-lr-sweep" }
    public var paper: Paper { .ferbach2024 }
    public var title: String { "Fig. 2: midpoint loss of WM, Σ-weighted WM and AM across learning rates" }
    public var estimatedSeconds: Int { 240 }

    public func run(in context: ReproductionContext) throws -> ClaimOutcome {
        var fallback: String?
        let data: String, architecture: String, limit: Int?, epochs: Int, batch: Int, rates: [Double]
        if context.quick {
            data = "synthetic:regression:d=16,k=4,n=256,test=128,noise=0.5,seed=0"
            fallback = "quick mode: a small synthetic regression (MSE) instead of \(context.data)"
            architecture = "mlp:16-32-32-4:relu"
            (limit, epochs, batch, rates) = (nil, 3, 32, [0.01, 0.1])
        } else {
            let resolved = LearningRateSweep.resolveData(context.data)
            fallback = resolved.fallback
            data = resolved.spec
            let probe = try LearningRateSweep.shape(data)
            architecture = LearningRateSweep.defaultArchitecture(
                inputs: probe.inputs, outputs: probe.outputs, hidden: 128)
            (limit, epochs, batch, rates) = (10000, 5, 100, [1e-3, 4.64e-3, 2.15e-2, 1e-1])
        }
        let sweep = LearningRateSweep.sweep(
            learningRates: rates, data: data, limit: limit, architecture: architecture, epochs: epochs,
            batchSize: batch,
            seeds: [context.seed], statisticsSamples: context.quick ? 256 : 2000)
        let c = try AlignmentClaimSupport.runAndCollect(sweep, context: context)
        let endpoint = AlignmentClaimSupport.curve(c, "endpoint_loss")
        let curves = LearningRateSweep.methods.map { AlignmentClaimSupport.curve(c, "midpoint.\($0.name)") }
        var chart = LineChart(
            title: "Midpoint test loss (Fig. 2)", xLabel: "learning rate", yLabel: "test loss", yScale: .logarithmic)
        chart.xScale = .logarithmic
        chart.series.append(
            .init(name: "end points (mean)", x: endpoint.x, y: endpoint.y, style: .test(4, marker: .circle)))
        for (k, (method, curve)) in zip(LearningRateSweep.methods, curves).enumerated() {
            let label = [
                "none": "no alignment", "weight-matching": "WM (paper's \"Naive WM\")",
                "sigma-weight-matching": "Σ-WM (paper's \"WM (ours)\")", "activation-matching": "AM",
            ][method.name, default: method.name]
            chart.series.append(
                .init(name: label, x: curve.x, y: curve.y, style: .train(k, marker: MarkerShape.shape(k))))
        }
        let rebasin = AlignmentClaimSupport.curve(c, "midpoint.rebasin-weight-matching")
        chart.series.append(
            .init(name: "Git Re-Basin WM (not in the paper)", x: rebasin.x, y: rebasin.y, style: .test(5)))
        let figure = try AlignmentClaimSupport.figure(
            chart, name: "lr-sweep.svg", caption: "Test loss at t = ½ after each alignment, and the end points' mean.",
            context: context)
        var dimChart = LineChart(
            title: "Approximate dimension tr(S)²/tr(S²), layer 1", xLabel: "learning rate", yLabel: "Dim(S)",
            yScale: .logarithmic)
        dimChart.xScale = .logarithmic
        for (k, s) in ["WtW", "WSigmaWt", "Sigma"].enumerated() {
            let curve = AlignmentClaimSupport.curve(c, "dim.layer1.\(s)")
            dimChart.series.append(
                .init(name: s, x: curve.x, y: curve.y, style: .train(k, marker: MarkerShape.shape(k))))
        }
        let dimFigure = try AlignmentClaimSupport.figure(
            dimChart, name: "approximate-dimension.svg", caption: "Model A, first hidden layer.", context: context)
        let (naive, wm, sigma, am) = (curves[0].y, curves[1].y, curves[2].y, curves[3].y)
        let n = min(wm.count, sigma.count, am.count)
        let sigmaBetter = (0..<n).filter { sigma[$0] < wm[$0] }.count
        let amClose = (0..<n).filter { am[$0] <= 1.5 * sigma[$0] }.count
        let agrees = n > 0 && sigmaBetter >= n - 1 && amClose >= n - 1
        let f = AlignmentClaimSupport.format
        var section = HTMLReport.Section("Midpoint loss against learning rate")
        section.table(
            HTMLReport.Table(
                columns: [
                    "lr", "end points", "no alignment", "WM (naive)", "Σ-WM (ours)", "AM", "Re-Basin WM", "Dim WᵀW",
                    "Dim WΣWᵀ", "Dim Σ",
                ],
                rows: endpoint.x.indices.map { i in
                    func at(_ v: [Double]) -> String { i < v.count ? f(v[i]) : "–" }
                    let dims = ["WtW", "WSigmaWt", "Sigma"].map {
                        at(AlignmentClaimSupport.curve(c, "dim.layer1.\($0)").y)
                    }
                    return [f(endpoint.x[i]), at(endpoint.y), at(naive), at(wm), at(sigma), at(am), at(rebasin.y)]
                        + dims
                }))
        section.figure(figure)
        section.figure(dimFigure)
        section.paragraph(
            "Paper (MNIST, 784-512×3-10, 50 epochs, read off the saved Fig. 2 [C]): at lr 6.31e-3 end points ≈ 0.08, naive WM ≈ 0.90, "
                + "WM (ours) ≈ 0.25, AM ≈ 0.17; at lr 0.1 all ≈ 0.08–0.10. Σ-WM beat WM at \(sigmaBetter) of \(n) learning rates here; "
                + "AM was within 1.5× of Σ-WM (or better) at \(amClose) of \(n).")
        let numbers: ResultValue = [
            "learning_rates": endpoint.x, "endpoint_loss": endpoint.y, "midpoint_none": naive,
            "midpoint_weight_matching": wm,
            "midpoint_sigma_weight_matching": sigma, "midpoint_activation_matching": am,
            "midpoint_rebasin_weight_matching": rebasin.y, "data": data,
            "architecture": architecture, "sigma_better_count": sigmaBetter, "am_close_count": amClose,
        ]
        try JSONReport.write(numbers, to: context.directory + "/lr-sweep.json")
        return ClaimOutcome(
            paperStatement:
                "Fig. 2 [C]: Σ-weighted weight matching \"constantly and substantially outperforms\" naive weight matching except at "
                + "lr = 0.1 where all coincide; activation matching is close to or slightly better than Σ-WM (docs/math/alignment.md §6).",
            orbitResult: "Σ-WM < WM at \(sigmaBetter)/\(n) learning rates; AM ≤ 1.5 × Σ-WM at \(amClose)/\(n)",
            setting:
                "\(data), \(architecture), \(epochs) epochs, batch \(batch), SGD momentum 0.9 with warm-up + cosine, lr ∈ \(rates), 2 models per lr",
            differences: [
                fallback, "paper: MNIST, 784-512-512-512-10, 50 epochs, batch 500, 6 learning rates, 4 repetitions",
            ].compactMap { $0 }.joined(separator: "; "),
            verdict: agrees
                ? .reproduced
                : .differs(
                    "Σ-WM beat WM at only \(sigmaBetter) of \(n) learning rates, AM close at \(amClose) of \(n)"),
            sections: [section], numbers: numbers)
    }
}
