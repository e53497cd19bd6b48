/// The claims of Zhao et al. (2025), parameter-space symmetry that `orbit reproduce` checks.
public enum SymmetryClaims {
    public static var all: [any Claim] { [] }
}
