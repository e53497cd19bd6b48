import OrbitNetworks
import OrbitNumerics

/// Distinct component labels found among sampled minima of one square linear chain.
public struct ChainComponentCount: Sendable, Equatable {
    /// l, the number of weight matrices.
    public var depth: Int
    /// h, the width of every layer (inputs and outputs included).
    public var width: Int
    public var samples: Int
    /// How many distinct labels c(W) = (sign det G₁, …, sign det G_{l−1}) occurred.
    public var labelsFound: Int
    /// 2^{l−1} (Cor 4.2).
    public var expected: Int { 1 << (depth - 1) }
    /// The largest ‖W_l⋯W₁ − A‖_F / ‖A‖_F over the samples: every sample is a minimum to this accuracy.
    public var maximumResidual: Double
}

/// Samples minima of the square linear chain of Zhao, Dehmamy, Walters, Yu (ICML 2025), Prop 4.1 /
/// Cor 4.2 (docs/math/symmetry.md §3), and counts their component labels.
///
/// The minimum of ‖Y − W_l⋯W₁X‖² with X, Y ∈ GL(h) is {W : W_l⋯W₁ = A}, A = YX⁻¹. A minimum is
/// drawn through the inverse of Prop 4.1's homeomorphism [R]: G₁, …, G_{l−1} with i.i.d. N(0, 1/h)
/// entries (invertible with probability one; each sign det G_k is ±1 with probability ½,
/// independently), then W₁ = G₁, W_k = G_k G_{k−1}⁻¹, W_l = A G_{l−1}⁻¹. Cost per sample:
/// O(l·h³).
public enum ChainComponentSurvey {
    /// One minimum W₁ … W_l of the chain with end-to-end map `target` (h × h).
    public static func sampleMinimum(depth: Int, target: Matrix<Double>, generator: inout SeededGenerator)
        throws(SymmetryError) -> [Matrix<Double>]
    {
        let h = target.rows
        var weights: [Matrix<Double>] = []
        var previousInverse: Matrix<Double>? = nil
        for _ in 0..<(depth - 1) {
            let g = Matrix<Double>.normal(
                rows: h, columns: h, standardDeviation: 1 / Double(h).squareRoot(), generator: &generator)
            weights.append(previousInverse.map { g * $0 } ?? g)
            do { previousInverse = try g.inverse() } catch { throw .numerics(error) }
        }
        weights.append(previousInverse.map { target * $0 } ?? target)
        return weights
    }

    /// Samples `samples` minima of the depth-l, width-h chain (X = I, Y = A with i.i.d. N(0, 1/h)
    /// entries, seed-derived) and counts their distinct labels. Cost: O(samples·l·h³).
    public static func count(depth: Int, width: Int, samples: Int, seed: UInt64) throws(SymmetryError)
        -> ChainComponentCount
    {
        let network: Network
        do {
            network = try Network(
                parsing: "linear:" + Array(repeating: String(width), count: depth + 1).joined(separator: "-"))
        } catch {
            throw .unsupportedNetwork(reason: "\(error)")
        }
        let chain = try LinearChain(network)
        var generator = SeededGenerator(seed: seed &+ UInt64(1000 * depth + width))
        let target = Matrix<Double>.normal(
            rows: width, columns: width, standardDeviation: 1 / Double(width).squareRoot(), generator: &generator)
        var labels = Set<[Int]>()
        var worst = 0.0
        for _ in 0..<samples {
            let w = try sampleMinimum(depth: depth, target: target, generator: &generator)
            let product = w.dropFirst().reduce(w[0]) { $1 * $0 }
            worst = max(worst, (product - target).frobeniusNorm / target.frobeniusNorm)
            labels.insert(try chain.componentLabel(chain.parameters(w, as: Double.self)))
        }
        return ChainComponentCount(
            depth: depth, width: width, samples: samples, labelsFound: labels.count, maximumResidual: worst)
    }
}
