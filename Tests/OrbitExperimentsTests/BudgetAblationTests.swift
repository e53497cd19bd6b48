import Foundation
import OrbitReports
import Testing

@testable import OrbitExperiments

/// The budget ablation's report (issue 19 point 2): its sentence follows the rows, and every claim
/// that carries one attaches it where the record and the verdict show it.
@Suite struct BudgetAblationTests {
    func row(_ name: String, score: Double, meets: Bool = false, baseline: Bool = false) -> BudgetAblationRow {
        BudgetAblationRow(
            ablation: name, variant: "v", isBaseline: baseline, result: "r", score: score, meetsCriterion: meets)
    }

    func ablation(_ rows: [BudgetAblationRow]) -> BudgetAblation {
        BudgetAblation(rows: rows, scope: "at m = 2", criterion: "c", scoreName: "s")
    }

    @Test func conclusionFollowsTheRows() {
        let base = row("baseline", score: 1, baseline: true)
        #expect(
            ablation([base, row("epochs ×3", score: 0.1, meets: true), row("samples ×3", score: 0.9)]).conclusion
                .hasSuffix(": the gap closes with epochs ×3."))
        #expect(
            ablation([base, row("epochs ×3", score: 1.2), row("samples ×3", score: 1.5)]).conclusion
                .hasSuffix(
                    "or moves towards it (a move: ≥ 10 % below the baseline's score) — not a budget gap at these sizes."
                ))
        // A change smaller than a tenth of the baseline's score is not a move.
        #expect(
            ablation([base, row("epochs ×3", score: 0.95)]).conclusion
                .contains("no ablation closes the gap or moves towards it"))
        #expect(
            ablation([base, row("epochs ×3", score: 0.5), row("samples ×3", score: 0.8)]).conclusion
                .hasSuffix(
                    "but every one moves towards it (a move: ≥ 10 % below the baseline's score) — more budget may."))
        #expect(
            ablation([base, row("epochs ×3", score: 0.5), row("samples ×3", score: 1.8)]).conclusion
                .hasSuffix("only epochs ×3 moves towards it (a move: ≥ 10 % below the baseline's score)."))
        #expect(
            ablation([row("baseline", score: 0, meets: true, baseline: true), row("epochs ×3", score: 0)]).conclusion
                .hasSuffix("the baseline already meets the criterion on the ablation's part of the setting."))
        // Every score is in the sentence, the baseline's first.
        let text = ablation([base, row("epochs ×3", score: 0.25)]).conclusion
        #expect(text.contains("baseline 1; epochs ×3 (v) 0.25)"))
    }

    @Test func attachingKeepsTheRowsAndExtendsADiffersVerdict() {
        let outcome = ClaimOutcome(
            paperStatement: "p", orbitResult: "o", setting: "s", differences: "d", verdict: .differs("reason"),
            numbers: ["x": 1])
        let a = ablation([row("baseline", score: 1, baseline: true), row("epochs ×3", score: 2)])
        let attached = outcome.addingDiagnosis(a)
        #expect(attached.verdict == .differs("reason " + a.conclusion))
        #expect(attached.numbers["diagnosis"]?["rows"]?.array?.count == 2)
        #expect(attached.numbers["diagnosis"]?["conclusion"]?.string == a.conclusion)
        #expect(attached.numbers["x"]?.double == 1 && attached.sections.count == 1)
        let reproduced = ClaimOutcome(
            paperStatement: "p", orbitResult: "o", setting: "s", differences: "d", verdict: .reproduced)
        #expect(reproduced.addingDiagnosis(a).verdict == .reproduced)
    }
}

/// The budget-ablation rows of a claim's outcome, checked for what every ablation must hold: the
/// baseline first, the named variants after it, finite scores, and the conclusion in a "differs" verdict.
func expectBudgetAblation(_ outcome: ClaimOutcome, variants: [String]) throws -> [ResultValue] {
    let diagnosis = try #require(outcome.numbers["diagnosis"])
    let rows = try #require(diagnosis["rows"]?.array)
    #expect(rows.map { $0["ablation"]?.string ?? "" } == ["baseline"] + variants)
    #expect(rows.first?["baseline"]?.bool == true)
    #expect(rows.allSatisfy { $0["score"]?.double?.isFinite == true })
    let conclusion = try #require(diagnosis["conclusion"]?.string)
    if case .differs(let reason) = outcome.verdict { #expect(reason.hasSuffix(conclusion)) }
    #expect(outcome.sections.last?.heading == "Diagnosis: budget or method?")
    return rows
}
