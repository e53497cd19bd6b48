import OrbitNetworks
import OrbitNumerics

/// The check that follows every permutation Orbit applies: f(x; π(θ)) must equal f(x; θ) (hidden-unit
/// permutations are exact symmetries, docs/math/symmetry.md §2), so a wrong spec or a bug can never pass
/// silently. Cost: two forward passes over `inputs`.
public enum FunctionalEquivalence {
    /// The largest |f(x; original) − f(x; permuted)| over the rows of `inputs` and every output.
    ///
    /// - Throws: ``AlignmentError/notEquivalent(deviation:tolerance:)`` when it exceeds `tolerance`;
    ///   ``AlignmentError/invalidData(reason:)`` for inputs of the wrong width.
    @discardableResult
    public static func check(
        network: Network, original: ParameterVector<Float>, permuted: ParameterVector<Float>, inputs: Matrix<Float>,
        tolerance: Double = 1e-4, batchSize: Int = 1000
    ) throws -> Double {
        let deviation = try largestDeviation(
            network: network, original: original, permuted: permuted, inputs: inputs, batchSize: batchSize)
        guard deviation <= tolerance else {
            throw AlignmentError.notEquivalent(deviation: deviation, tolerance: tolerance)
        }
        return deviation
    }

    /// The largest |Δoutput| and the largest |output| of the original (for a relative tolerance).
    public static func largestDeviation(
        network: Network, original: ParameterVector<Float>, permuted: ParameterVector<Float>, inputs: Matrix<Float>,
        batchSize: Int = 1000
    ) throws -> Double {
        guard inputs.columns == network.inputSize else {
            throw AlignmentError.invalidData(
                reason: "inputs have \(inputs.columns) features, the network takes \(network.inputSize)")
        }
        do {
            try network.layout.requireMatches(original.layout)
            try network.layout.requireMatches(permuted.layout)
        } catch {
            throw AlignmentError.layoutMismatch(error)
        }
        let capacity = max(1, min(batchSize, inputs.rows))
        // Evaluation mode: BatchNorm's running statistics are permuted with their channels too.
        let w1 = NetworkWorkspace<Float>(network: network, capacity: capacity, inference: true)
        let w2 = NetworkWorkspace<Float>(network: network, capacity: capacity, inference: true)
        var worst = 0.0
        var start = 0
        try inputs.withView { x in
            while start < inputs.rows {
                let end = min(start + capacity, inputs.rows)
                let batch = x.submatrix(rows: start..<end, columns: 0..<x.columns)
                let y1 = w1.forward(original, inputs: batch)
                let y2 = w2.forward(permuted, inputs: batch)
                for i in 0..<y1.rows {
                    let r1 = y1.row(i), r2 = y2.row(i)
                    for j in 0..<r1.count {
                        let d = abs(Double(r1[j]) - Double(r2[j]))
                        guard d.isFinite || (!r1[j].isFinite && !r2[j].isFinite) else {
                            throw AlignmentError.notEquivalent(deviation: .infinity, tolerance: 0)
                        }
                        worst = max(worst, d.isNaN ? 0 : d)
                    }
                }
                start = end
            }
        }
        return worst
    }

    /// max |f(x; θ)| over `inputs` (the scale for a relative tolerance).
    public static func outputScale(network: Network, parameters: ParameterVector<Float>, inputs: Matrix<Float>)
        -> Double
    {
        let capacity = max(1, min(1000, inputs.rows))
        let w = NetworkWorkspace<Float>(network: network, capacity: capacity)
        var scale = 0.0
        var start = 0
        inputs.withView { x in
            while start < inputs.rows {
                let end = min(start + capacity, inputs.rows)
                let y = w.forward(parameters, inputs: x.submatrix(rows: start..<end, columns: 0..<x.columns))
                for i in 0..<y.rows { for v in y.row(i) { scale = max(scale, abs(Double(v))) } }
                start = end
            }
        }
        return scale
    }

    /// Applies `permutations` to `parameters` and checks the permuted model computes the same function
    /// on `inputs`, to `relativeTolerance` × max(1, max |f(x; θ)|). Returns π(θ) and the largest
    /// |Δoutput|. Cost: three forward passes over `inputs`.
    ///
    /// - Throws: ``AlignmentError/invalidPermutation(group:reason:)`` for permutations that do not fit
    ///   `spec`; ``AlignmentError/notEquivalent(deviation:tolerance:)`` when the outputs differ.
    public static func applyChecked(
        _ permutations: Permutations, spec: PermutationSpec, network: Network, to parameters: ParameterVector<Float>,
        inputs: Matrix<Float>, relativeTolerance: Double = 1e-4
    ) throws -> (permuted: ParameterVector<Float>, deviation: Double) {
        try permutations.validate(for: spec)
        let permuted = spec.apply(permutations, to: parameters)
        let scale = outputScale(network: network, parameters: parameters, inputs: inputs)
        let deviation = try check(
            network: network, original: parameters, permuted: permuted, inputs: inputs,
            tolerance: relativeTolerance * max(1, scale))
        return (permuted, deviation)
    }

    /// Inputs for the check: the first (up to) 1000 rows of `samples`, or without samples 256 rows of
    /// N(0, 1) from a fixed seed (a permutation symmetry holds for every input, so any inputs test it).
    public static func checkInputs(from samples: Matrix<Float>?, network: Network) -> Matrix<Float> {
        if let samples {
            return samples.submatrix(rows: 0..<min(samples.rows, 1000), columns: 0..<samples.columns)
        }
        var g = SeededGenerator(seed: 12345)
        return Matrix<Float>.normal(rows: 256, columns: network.inputSize, generator: &g)
    }
}
