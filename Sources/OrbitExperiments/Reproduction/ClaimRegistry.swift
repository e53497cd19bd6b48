/// Every claim `orbit reproduce` knows, in the order `orbit reproduce list` shows them: the
/// symmetry paper's, then the optimal-transport paper's, then the star-shaped paper's, then Zhan et al.'s,
/// then issue 17's graph-network alignment claims (REPAIR, Git Re-Basin, Lin et al.'s VGG16 row).
public enum ClaimRegistry {
    public static var all: [any Claim] {
        SymmetryClaims.all + AlignmentClaims.all
            + [LowDimensionalWeightsClaim()]
            + StarClaims.all
            + TeacherStudentStarClaims.all
            + Zhan2025Claims.all
            + GraphAlignmentClaims.all
    }

    /// The claim with identifier `id`, if any.
    public static func claim(_ id: String) -> (any Claim)? { all.first { $0.id == id } }
}
