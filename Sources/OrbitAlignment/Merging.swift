import OrbitNetworks
import OrbitNumerics

/// Merging aligned models: interpolation and Git Re-Basin's MergeMany (Ainsworth et al. 2023, §5 and
/// Algorithm 3 of the appendix).
public enum Merging {
    /// (1 − t)·θ_A + t·θ_B.
    public static func interpolate(
        _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, t: Double
    ) -> ParameterVector<Float> {
        .lerp(a, b, Float(t))
    }

    /// The outcome of ``mergeMany(models:spec:maxIterations:seed:)``.
    public struct MergeResult: Sendable {
        /// The mean of the aligned models.
        public var merged: ParameterVector<Float>
        /// The permutation applied to each model.
        public var permutations: [Permutations]
        public var iterations: Int
    }

    /// MergeMany: start from the identity; repeatedly, for each model i in a random order, align it by
    /// weight matching to the mean of the other (aligned) models, until an iteration changes no
    /// permutation (or `maxIterations`). Returns the mean of the aligned models. With two models this
    /// is weight matching of the second to the first (and of the first to the second), averaged.
    /// Cost per iteration: one weight matching per model.
    public static func mergeMany(
        models: [ParameterVector<Float>], spec: PermutationSpec, maxIterations: Int = 20, seed: UInt64 = 0
    ) throws -> MergeResult {
        guard models.count >= 2 else {
            throw AlignmentError.unsupported(
                method: "MergeMany", reason: "needs at least two models, got \(models.count)")
        }
        for m in models {
            do { try spec.layout.requireMatches(m.layout) } catch { throw AlignmentError.layoutMismatch(error) }
        }
        var permutations = models.map { _ in Permutations.identity(spec) }
        var aligned = models
        var generator = SeededGenerator(seed: seed)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            var changed = false
            for i in fisherYates(models.count, &generator) {
                let others = aligned.indices.filter { $0 != i }.map { aligned[$0] }
                let mean = ParameterVector.combination(
                    Array(repeating: 1 / Float(others.count), count: others.count), others)
                // Align the original model i to the mean, starting from its current permutation.
                let result = try WeightMatching(seed: generator.next(), maxSweeps: 100).match(
                    mean, models[i], spec: spec, initial: permutations[i])
                if result.permutations != permutations[i] {
                    permutations[i] = result.permutations
                    aligned[i] = spec.apply(result.permutations, to: models[i])
                    changed = true
                }
            }
            if !changed { break }
        }
        let merged = ParameterVector.combination(
            Array(repeating: 1 / Float(models.count), count: models.count), aligned)
        return MergeResult(merged: merged, permutations: permutations, iterations: iterations)
    }
}
