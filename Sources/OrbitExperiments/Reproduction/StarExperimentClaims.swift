/// Lin, Li & Wu's trained experiments (Tables 1–2, Figs. 3–4): centres fitted by the §5 algorithm
/// (``CentreFitter``) to independently trained minima.
public enum StarExperimentClaims {
    public static var all: [any Claim] {
        [StarTableClaim(), StarNGDPairClaim(), StarReLUWidthClaim(), StarLinearWidthClaim(), StarlightClaim()]
    }
}
