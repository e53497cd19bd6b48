import Foundation

extension WidthBarrierClaim {
    /// The budget ablation of the width sweep (``BudgetAblation``): the whole sweep again with 3× the
    /// epochs, and again with 3× the training samples, each judged by the claim's criterion. Zhan, Li
    /// & Wu train to convergence; if the missing peak or the steep decay came from a fixed epoch budget,
    /// longer training or more data would move the curve towards the criterion. Cost: about 3× the
    /// claim's sweep per variant. Each variant's runs go to `diagnosis-VARIANT/sweep`.
    func diagnosis(_ s: SweepSetting, baseline: Measurement, context: ReproductionContext) throws -> BudgetAblation {
        func row(_ ablation: String, _ variant: String, _ m: Measurement, baseline: Bool = false) -> BudgetAblationRow {
            let f = AlignmentClaimSupport.format
            let peak = m.shape.peakIndex.map { "\(Int(m.weight.x[$0]))" } ?? "–"
            return BudgetAblationRow(
                ablation: ablation, variant: variant, isBaseline: baseline,
                result:
                    "peak at m = \(peak) (double descent: \(m.shape.doubleDescent)), slope after it \(f(m.shape.decaySlope))",
                score: m.score, meetsCriterion: m.holds,
                numbers: [
                    "widths": m.weight.x, "barrier_weight_matching": m.weight.y,
                    "double_descent": m.shape.doubleDescent, "decay_slope": m.shape.decaySlope,
                    "endpoint_test_loss": m.endpoint.y,
                ])
        }
        func variant(_ name: String, _ change: (inout SweepSetting) -> Void) throws -> Measurement {
            var v = s
            change(&v)
            var sub = context
            sub.directory = context.directory + "/diagnosis-" + name
            try FileManager.default.createDirectory(atPath: sub.directory, withIntermediateDirectories: true)
            return try measure(v, context: sub)
        }
        let longer = try variant("epochs-x3") { $0.epochs *= 3 }
        let larger = try variant("samples-x3") { $0.samples *= 3 }
        let samplesName = setting == .teacherStudent ? "training samples" : "samples per split"
        return BudgetAblation(
            rows: [
                row("baseline", "\(s.epochs) epochs, \(s.samples) \(samplesName)", baseline, baseline: true),
                row("epochs ×3", "\(3 * s.epochs) epochs", longer),
                row("samples ×3", "\(3 * s.samples) \(samplesName)", larger),
            ],
            scope: "over the claim's widths",
            criterion:
                "the weight-matching curve has an interior peak ≥ 1.5× the narrower minimum and a slope after it in −0.5 ± 0.25",
            scoreName: "|slope after the peak + ½| (1 without a slope), + 1 without double descent")
    }
}
