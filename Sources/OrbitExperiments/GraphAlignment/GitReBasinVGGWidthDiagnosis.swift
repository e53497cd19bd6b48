import Foundation
import OrbitData
import OrbitNetworks
import OrbitTraining

extension GitReBasinVGGWidthClaim {
    /// The budget ablation of the width sweep (``BudgetAblation``) at the two narrowest widths (the
    /// cheapest, and at the full budget the ones where matching does not halve the barrier): the two
    /// networks trained 3× longer, and trained on 3× the images (the same seeds; the barriers on the
    /// same images as the claim's). Criterion: the matched training-loss barrier below half the naive
    /// one at each of these widths; score: the largest ratio matched / naive (below 0.5 meets it).
    /// Git Re-Basin trains 25 epochs on all 60 000 images; if its matching needs networks nearer their
    /// minima, more epochs or data move the ratio down. Cost: 3× these widths' training per variant.
    static func diagnosis(
        _ s: Setting, naive: [Double], matched: [Double], dataset: Dataset, t: [Double], context: ReproductionContext
    ) throws -> BudgetAblation {
        let indices = Array(s.widths.indices.prefix(2))
        func row(_ ablation: String, _ variant: String, naive: [Double], matched: [Double], baseline: Bool = false)
            -> BudgetAblationRow
        {
            let ratios = zip(matched, naive).map { $0 / $1 }
            let f = GraphClaimSupport.number
            return BudgetAblationRow(
                ablation: ablation, variant: variant, isBaseline: baseline,
                result: zip(indices, zip(naive, matched)).map {
                    "m = \(Int((64 * s.widths[$0]).rounded())): \(f($1.0)) → \(f($1.1))"
                }.joined(separator: "; ") + " (naive → matched, train loss)",
                score: ratios.max() ?? .nan, meetsCriterion: ratios.allSatisfy { $0 < 0.5 },
                numbers: [
                    "width_multipliers": indices.map { 64 * s.widths[$0] }, "naive_train_barrier": naive,
                    "matched_train_barrier": matched,
                ])
        }
        func variant(training: TrainingConfiguration, data: Dataset) throws -> (naive: [Double], matched: [Double]) {
            let measured = Dataset(name: data.name, train: data.train.prefix(s.evaluationSamples), test: data.test)
            let results = try indices.map { k in
                try measure(
                    width: s.widths[k], index: k, training: training, dataset: data, measured: measured, t: t,
                    context: context)
            }
            return (results.map(\.naiveTrain), results.map(\.matchedTrain))
        }
        var longer = s.training
        longer.epochs *= 3
        let epochs = try variant(training: longer, data: dataset)
        let (larger, _) = GraphClaimSupport.images(
            context.data, train: 3 * s.trainSamples, test: s.testSamples, pad: true, seed: context.seed)
        let samples = try variant(training: s.training, data: larger)
        return BudgetAblation(
            rows: [
                row(
                    "baseline", "\(s.training.epochs) epochs on \(dataset.train.count) images",
                    naive: indices.map { naive[$0] }, matched: indices.map { matched[$0] }, baseline: true),
                row("epochs ×3", "\(longer.epochs)", naive: epochs.naive, matched: epochs.matched),
                row(
                    "training images ×3", "\(larger.train.count)", naive: samples.naive, matched: samples.matched),
            ],
            scope: "at widths m = "
                + indices.map { "\(Int((64 * s.widths[$0]).rounded()))" }.joined(separator: " and "),
            criterion: "the matched train-loss barrier is below half the naive one at each of these widths",
            scoreName: "the largest ratio matched / naive barrier over these widths (< 0.5 meets it)",
            note: "The narrowest widths: the cheapest to train longer, and where the claim's matching falls short.")
    }
}
