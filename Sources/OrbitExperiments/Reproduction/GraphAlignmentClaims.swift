/// The claims of issue 17 (alignment on graph networks): REPAIR's Fashion-MNIST ResNet-20 experiment
/// (Jordan et al. 2023), Git Re-Basin's VGG-LN width ablation (Ainsworth et al. 2023) and Lin, Li &
/// Wu's Table 1 VGG16 row.
public enum GraphAlignmentClaims {
    public static var all: [any Claim] { [RepairResNetClaim(), GitReBasinVGGWidthClaim(), StarTableVGGClaim()] }
}
