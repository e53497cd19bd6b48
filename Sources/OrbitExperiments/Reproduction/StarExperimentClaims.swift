/// Lin, Li & Wu's trained experiments (Tables 1–2, Figs. 3–4).
public enum StarExperimentClaims {
    public static var all: [any Claim] { [] }
}
