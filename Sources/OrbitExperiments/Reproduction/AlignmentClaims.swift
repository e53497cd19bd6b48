/// The claims of Ferbach et al. (2024), optimal transport and alignment that `orbit reproduce` checks.
public enum AlignmentClaims {
    public static var all: [any Claim] { [] }
}
