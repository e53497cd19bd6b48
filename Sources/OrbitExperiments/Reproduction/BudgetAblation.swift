import Foundation
import OrbitReports

/// One variant of a budget ablation: the claim's own measurement with one budget knob changed
/// (epochs, training samples, the centre's step), judged by the claim's own criterion.
///
/// The star claims have their own ablation grid (``StarDiagnosis``); the other claims that differ
/// (width sweeps, held-out stars, the graph alignments) use this one (issue 19 point 2): the claim's
/// measurement is rerun on a stated part of its setting (the widths that fail, the cheapest width)
/// with one change at a time. A criterion that the extra budget meets is a budget gap; a score that
/// does not move towards the criterion says more of the same budget would not close it.
struct BudgetAblationRow: Sendable {
    /// "baseline", "epochs", "training samples", …
    var ablation: String
    /// The value of the knob ("15 epochs", "30 000 images").
    var variant: String
    var isBaseline: Bool
    /// What the variant measured, one phrase in the claim's terms.
    var result: String
    /// How far the variant is from the claim's criterion (lower is closer; the claim says what it is).
    var score: Double
    /// Whether the claim's criterion holds for this variant (on the ablation's part of the setting).
    var meetsCriterion: Bool
    /// The numbers behind `result`.
    var numbers: ResultValue = [:]

    var object: ResultValue {
        [
            "ablation": ablation, "variant": variant, "baseline": isBaseline, "result": result, "score": score,
            "meets_criterion": meetsCriterion, "numbers": numbers,
        ]
    }
}

/// The report of a budget ablation: its sentence for the verdict and its section.
struct BudgetAblation {
    var rows: [BudgetAblationRow]
    /// Where the ablation runs ("at widths 64 and 256", "at ×1"), for the sentence and the section.
    var scope: String
    /// The claim's criterion, restricted to the scope.
    var criterion: String
    /// What `score` measures ("|slope + ½|").
    var scoreName: String
    /// Why the ablation runs where it does (cost), for the section.
    var note: String = ""

    /// A variant moves towards the criterion when it lowers the score by at least this share of the
    /// baseline's score; smaller changes are not read as a trend (one seed per variant).
    static let move = 0.1

    /// One sentence: the variants that meet the criterion, or that none does, with every variant's
    /// score against the baseline's and whether more budget moves it towards the criterion.
    var conclusion: String {
        guard let baseline = rows.first(where: \.isBaseline) else { return "Diagnosis: no ablation ran." }
        let variants = rows.filter { !$0.isBaseline }
        let scores = variants.map { "\($0.ablation) (\($0.variant)) \(Self.number($0.score))" }
            .joined(separator: "; ")
        let head =
            "Diagnosis (budget ablation \(scope); \(scoreName), lower is closer: baseline "
            + "\(Self.number(baseline.score)); \(scores))"
        if baseline.meetsCriterion {
            return head + ": the baseline already meets the criterion on the ablation's part of the setting."
        }
        let closing = variants.filter(\.meetsCriterion)
        if !closing.isEmpty {
            return head + ": the gap closes with " + closing.map(\.ablation).joined(separator: "; ") + "."
        }
        let threshold = Self.move * abs(baseline.score)
        let closer = variants.filter { baseline.score - $0.score >= threshold }
        let rule = " (a move: ≥ \(Int(Self.move * 100)) % below the baseline's score)"
        if closer.isEmpty {
            return head + ": no ablation closes the gap or moves towards it" + rule
                + " — not a budget gap at these sizes."
        }
        if closer.count == variants.count {
            return head + ": no ablation closes the gap, but every one moves towards it" + rule + " — more budget may."
        }
        return head + ": no ablation closes the gap; only " + closer.map(\.ablation).joined(separator: "; ")
            + " moves towards it" + rule + "."
    }

    var section: HTMLReport.Section {
        var section = HTMLReport.Section("Diagnosis: budget or method?")
        section.paragraph(
            "Each row reruns the claim's measurement \(scope) with one change from the baseline (the claim's own "
                + "setting): more epochs or data, or, for a fitted centre, its step size. A row meets the criterion when \(criterion). Score: \(scoreName) (lower is closer; a "
                + "variant moves towards the criterion when its score is ≥ \(Int(Self.move * 100)) % below the baseline's)."
                + (note.isEmpty ? "" : " " + note))
        section.table(
            HTMLReport.Table(
                columns: ["ablation", "variant", "result", "score", "meets the criterion"],
                rows: rows.map {
                    [$0.ablation, $0.variant, $0.result, Self.number($0.score), $0.meetsCriterion ? "yes" : "no"]
                }))
        section.paragraph(conclusion)
        return section
    }

    static func number(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }
}

extension ClaimOutcome {
    /// The outcome with a budget ablation attached (as ``addingDiagnosis(_:section:conclusion:extra:)``).
    func addingDiagnosis(_ ablation: BudgetAblation) -> ClaimOutcome {
        addingDiagnosis(
            rows: ablation.rows.map(\.object), section: ablation.section, conclusion: ablation.conclusion,
            extra: ["scope": ablation.scope, "criterion": ablation.criterion, "score": ablation.scoreName])
    }
}
