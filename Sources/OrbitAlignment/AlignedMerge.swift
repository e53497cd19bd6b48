import OrbitNetworks
import OrbitNumerics

/// The outcome of ``Merging/merge(models:network:spec:matcher:matchingInputs:checkInputs:repairInputs:repair:maxIterations:seed:)``:
/// how the models were aligned, the aligned models and their merge.
public struct AlignedMerge: Sendable {
    /// How the models were brought onto a common reference.
    public enum Alignment: Sendable {
        /// Two models: the second matched to the first by the given matcher; the largest |Δoutput| of
        /// π(θ_B) against θ_B.
        case pairwise(MatchingResult, deviation: Double)
        /// More models: Git Re-Basin MergeMany; per model the largest |Δoutput| after its permutation,
        /// and the iterations run.
        case mergeMany(deviations: [Double], iterations: Int)
    }

    public var alignment: Alignment
    /// Every model after its permutation (the first of two is the reference, unchanged).
    public var aligned: [ParameterVector<Float>]
    /// The mean of the aligned models, REPAIRed when ``repaired``.
    public var merged: ParameterVector<Float>
    /// Whether REPAIR reset the merged model's channel statistics.
    public var repaired: Bool
}

extension Merging {
    /// Aligns `models` to a common reference and averages them (Ainsworth et al. 2023, §5; Jordan et al.
    /// 2023 for REPAIR):
    ///
    /// - two models: B is aligned to A by `matcher` (given `matchingInputs`), θ = (θ_A + π(θ_B)) / 2;
    /// - more: MergeMany (``mergeMany(models:spec:maxIterations:seed:)``, weight matching), θ = mean of
    ///   the aligned models.
    ///
    /// Every permutation is checked to leave its model's function unchanged on `checkInputs` (relative
    /// tolerance 1e-4, ``FunctionalEquivalence/applyChecked(_:spec:network:to:inputs:relativeTolerance:)``).
    /// With `repairInputs`, `repair` (``REPAIR``, on any graph) resets the output mean and std of every
    /// repaired channel (BatchNorm, LayerNorm, biased Linear/Conv2d onto a free space) to the average of
    /// the aligned models' on those inputs, after recomputing BatchNorm statistics on them unless
    /// `repair.resetsBatchNormStatistics` is off. Cost: the matching (or one weight matching per model
    /// and MergeMany iteration), three forward passes per check, one per model and per repaired node.
    ///
    /// - Throws: ``AlignmentError`` from the matching, the checks or REPAIR; `unsupported` for fewer than
    ///   two models.
    public static func merge(
        models: [ParameterVector<Float>], network: Network, spec: PermutationSpec, matcher: any PermutationMatcher,
        matchingInputs: Matrix<Float>?, checkInputs: Matrix<Float>, repairInputs: Matrix<Float>? = nil,
        repair: REPAIR = REPAIR(), maxIterations: Int = 20, seed: UInt64 = 0
    ) throws -> AlignedMerge {
        guard models.count >= 2 else {
            throw AlignmentError.unsupported(
                method: "merging", reason: "needs at least two models, got \(models.count)")
        }
        let alignment: AlignedMerge.Alignment
        var aligned: [ParameterVector<Float>]
        if models.count == 2 {
            let result = try matcher.match(network: network, models[0], models[1], spec: spec, inputs: matchingInputs)
            let (permuted, deviation) = try FunctionalEquivalence.applyChecked(
                result.permutations, spec: spec, network: network, to: models[1], inputs: checkInputs)
            alignment = .pairwise(result, deviation: deviation)
            aligned = [models[0], permuted]
        } else {
            let many = try mergeMany(models: models, spec: spec, maxIterations: maxIterations, seed: seed)
            aligned = []
            var deviations: [Double] = []
            for (theta, p) in zip(models, many.permutations) {
                let (permuted, deviation) = try FunctionalEquivalence.applyChecked(
                    p, spec: spec, network: network, to: theta, inputs: checkInputs)
                aligned.append(permuted)
                deviations.append(deviation)
            }
            alignment = .mergeMany(deviations: deviations, iterations: many.iterations)
        }
        let weights = Array(repeating: 1 / Double(aligned.count), count: aligned.count)
        var merged = ParameterVector.combination(weights.map { Float($0) }, aligned)
        if let repairInputs {
            merged = try repair.repair(network: network, models: aligned, weights: weights, inputs: repairInputs)
        }
        return AlignedMerge(alignment: alignment, aligned: aligned, merged: merged, repaired: repairInputs != nil)
    }
}
