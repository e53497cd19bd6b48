/// The claims of Lin, Li & Wu (2024), star-shaped and geodesic connectivity, that `orbit reproduce`
/// checks: the exact constructions (no training) and the trained experiments.
public enum StarClaims {
    public static var all: [any Claim] { StarConstructionClaims.all + StarExperimentClaims.all }
}
