import Foundation
import OrbitData
import OrbitReports
import OrbitTraining

/// One of the papers whose claims Orbit reproduces (docs/math/README.md).
public enum Paper: String, Sendable, CaseIterable {
    /// Zhao, Dehmamy, Walters & Yu, ICML 2025: parameter-space symmetry.
    case zhao2025 = "Zhao et al. 2025"
    /// Ferbach, Goujaud, Gidel & Dieuleveut, AISTATS 2024: optimal transport and linear connectivity.
    case ferbach2024 = "Ferbach et al. 2024"
    /// Lin, Li & Wu 2024: star-shaped and geodesic connectivity.
    case lin2024 = "Lin, Li & Wu 2024"
    /// Zhan, Li & Wu 2025: the barrier modulo permutation against width.
    case zhan2025 = "Zhan, Li & Wu 2025"
    /// Sonthalia et al. 2025 (Starlight): star domains, checked on held-out minima.
    case sonthalia2025 = "Sonthalia et al. 2025"
    /// Ainsworth, Hayase & Srinivasa, ICLR 2023: Git Re-Basin (weight matching).
    case ainsworth2023 = "Ainsworth et al. 2023"
    /// Jordan, Sedghi, Saukh, Entezari & Neyshabur, ICLR 2023: REPAIR.
    case jordan2023 = "Jordan et al. 2023"
}

/// Whether Orbit's number agrees with the paper's.
public enum Verdict: Sendable, Equatable {
    /// Orbit's number agrees with the paper's statement within the stated tolerance.
    case reproduced
    /// It does not, and why (a different data set, a smaller width, a disagreement we could not explain…).
    case differs(String)

    public var label: String {
        switch self {
        case .reproduced: return "reproduced"
        case .differs: return "differs"
        }
    }
}

/// What a claim's run found: the paper's statement or number beside Orbit's, the setting, how it
/// differs from the paper's, a verdict, and the report material (sections for the HTML page, every
/// number as JSON). Figures are written by the claim into `ReproductionContext.directory` and
/// embedded in `sections`.
public struct ClaimOutcome {
    /// The paper's statement or number, with where it is in the paper (e.g. "Prop. 5.3: …").
    public var paperStatement: String
    /// Orbit's number or finding, one line (e.g. "16 of 16 label patterns found for l = 5").
    public var orbitResult: String
    /// The setting Orbit used (data, architecture, sizes, seeds).
    public var setting: String
    /// How the setting differs from the paper's ("none" when it is the same).
    public var differences: String
    public var verdict: Verdict
    /// Sections for the claim's HTML page (tables, figures, paragraphs).
    public var sections: [HTMLReport.Section]
    /// Every number behind the result, written to claim.json under `numbers`: an object of named
    /// numbers, lists and small tables (non-finite numbers allowed; see `JSONReport`).
    public var numbers: ResultValue

    public init(
        paperStatement: String, orbitResult: String, setting: String, differences: String, verdict: Verdict,
        sections: [HTMLReport.Section] = [], numbers: ResultValue = [:]
    ) {
        self.paperStatement = paperStatement
        self.orbitResult = orbitResult
        self.setting = setting
        self.differences = differences
        self.verdict = verdict
        self.sections = sections
        self.numbers = numbers
    }
}

/// How much compute a claim's run may spend: `quick` for tests and CI (seconds), `full` the
/// default (minutes on 2 cores), `paper` the paper's own epochs, batch sizes and counts where it
/// states them (resumable runs of up to an hour each).
public enum ReproductionBudget: String, Sendable, CaseIterable, Codable {
    case quick, full, paper
}

extension ReproductionBudget: CustomStringConvertible {
    public var description: String { rawValue }
}

/// Where and how a claim runs.
public struct ReproductionContext: Sendable {
    /// The claim's own output folder (exists when `run` is called); write SVG/CSV files here.
    public var directory: String
    /// The compute budget (see ``ReproductionBudget``).
    public var budget: ReproductionBudget
    /// A smaller setting for tests and CI (seconds, not minutes); the report says it was quick.
    public var quick: Bool { budget == .quick }
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// Where progress goes (a bar on a terminal, lines in a log, nothing in tests).
    public var progress: ProgressReporter
    /// Data set specification for claims that need real data ("fashion-mnist" by default); claims
    /// fall back to a synthetic problem, and say so in `differences`, when it is unavailable.
    public var data: String
    /// Where the claim's long trainings keep their state files, so that a killed run continues
    /// where it stopped; nil: no checkpoints (quick and full runs are short enough to rerun).
    public var states: ClaimStateStore?
    /// A test hook: the paper budget's procedure (its counts, stopping rules and checkpoints) at
    /// the quick setting's sizes, so a test can kill and resume a paper-budget run in seconds. The
    /// claim says so in `differences`; such a record never stands for a paper run.
    public var miniature: Bool

    public init(
        directory: String, quick: Bool = false, budget: ReproductionBudget? = nil, seed: UInt64 = 0,
        progress: ProgressReporter = ProgressReporter(style: .quiet),
        data: String = "fashion-mnist", states: ClaimStateStore? = nil, miniature: Bool = false
    ) {
        self.directory = directory
        self.budget = budget ?? (quick ? .quick : .full)
        self.seed = seed
        self.progress = progress
        self.data = data
        self.states = states
        self.miniature = miniature
    }
}

/// A claim of one of the papers that `orbit reproduce` can check.
public protocol Claim: Sendable {
    /// Short stable identifier used on the command line, e.g. "components-linear".
    var id: String { get }
    var paper: Paper { get }
    /// One line: what is being reproduced (e.g. "Fig. 4: rescaled midpoint loss grows without bound").
    var title: String { get }
    /// Rough running time of the full (not quick) setting on a 2-core machine, for `orbit reproduce list`.
    var estimatedSeconds: Int { get }
    /// Whether the claim has a setting of its own for ``ReproductionBudget/paper`` (the paper's
    /// epochs, batch sizes and counts); without one it runs its full setting under `paper`, and the
    /// runner says so in the record.
    var hasPaperSetting: Bool { get }
    func run(in context: ReproductionContext) throws -> ClaimOutcome
}

extension Claim {
    public var hasPaperSetting: Bool { false }
}
