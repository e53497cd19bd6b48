import Foundation
import OrbitData
import OrbitTraining

extension RepairResNetClaim {
    /// The budget ablation (``BudgetAblation``) at the narrowest width (×1, the only one this
    /// machine can train 3× longer within a full run: ×4 would take more than an hour more): the two
    /// networks trained 3× the epochs (the same seeds, the same cosine schedule stretched). Criterion at
    /// ×1, REPAIR's own ×1 numbers: end points ≥ 85 %, the permuted midpoint ≤ 30 % without a reset,
    /// and the reset keeping ≥ 0.82 of the end points (REPAIR ×1: 78.2 / 95). Score: 1 − retention,
    /// the share of the end points' accuracy the reset midpoint loses. If the reset's shortfall comes
    /// from undertrained end points, longer training lowers it. Cost: 3× the ×1 training.
    static func diagnosis(
        _ s: Setting, endpoints: [Double], collapsed: [Double], retention: [Double], dataset: Dataset,
        statistics: DataSplit, context: ReproductionContext
    ) throws -> BudgetAblation {
        func row(
            _ ablation: String, _ variant: String, endpoints: Double, collapsed: Double, retention: Double,
            baseline: Bool = false
        ) -> BudgetAblationRow {
            BudgetAblationRow(
                ablation: ablation, variant: variant, isBaseline: baseline,
                result:
                    "end points \(GraphClaimSupport.percent(endpoints)), permuted \(GraphClaimSupport.percent(collapsed)), "
                    + "reset keeps \(String(format: "%.2f", retention))",
                score: 1 - retention, meetsCriterion: endpoints >= 0.85 && collapsed <= 0.3 && retention >= 0.82,
                numbers: [
                    "endpoint_test_accuracy": endpoints, "permuted_midpoint_accuracy": collapsed,
                    "reset_retention": retention,
                ])
        }
        var longer = s.training
        longer.epochs *= 3
        let width = s.widths[0]
        let w = try measure(
            width: width, index: 0, training: longer, dataset: dataset, statistics: statistics, context: context)
        return BudgetAblation(
            rows: [
                row(
                    "baseline", "\(s.training.epochs) epochs", endpoints: endpoints[0], collapsed: collapsed[0],
                    retention: retention[0], baseline: true),
                row(
                    "epochs ×3", "\(longer.epochs)", endpoints: w.endpoints, collapsed: w.collapsed,
                    retention: w.retention),
            ],
            scope: "at the narrowest width (w = \(width))",
            criterion:
                "end points ≥ 85 %, the permuted midpoint ≤ 30 % without a reset, and the reset keeping ≥ 0.82 of the end points (REPAIR's ×1 figure)",
            scoreName: "1 − the reset midpoint's share of the end points' accuracy",
            note:
                "The wider networks are not retrained: ×4 for 3× the epochs would add more than an hour to the full run here."
        )
    }
}
