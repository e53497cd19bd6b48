/// OrbitAlignment: aligning the hidden units of independently trained networks by permutation
/// (weight, activation and Σ-weighted matching, optimal transport) and merging aligned models
/// (Ferbach et al. 2024; Ainsworth et al. 2023, Git Re-Basin; Jordan et al. 2023, REPAIR).
public enum OrbitAlignmentModule {}
