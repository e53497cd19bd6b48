/// The claims of Lin, Li & Wu (2024), star-shaped and geodesic connectivity that `orbit reproduce` checks.
public enum StarClaims {
    public static var all: [any Claim] { [] }
}
