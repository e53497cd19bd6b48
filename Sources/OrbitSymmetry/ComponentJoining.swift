import OrbitNetworks
import OrbitNumerics

extension LinearChain {
    /// The layer permutations that bring the minimum w′ into the connected component of w
    /// (Zhao, Dehmamy, Walters, Yu, ICML 2025, Prop 5.2, "mode connectivity up to permutation";
    /// docs/math/symmetry.md §4, recipe [R], checked numerically there and in the tests):
    ///
    ///     π_k = the transposition (0 1) if c_k(w) ≠ c_k(w′), else the identity,
    ///
    /// applied to w′ by ``PermutationAction`` (W_k → P_k W_k P_{k−1}ᵀ). Then G′_k → P_k G′_k, so
    /// det G′_k changes sign exactly where a transposition is used and the labels agree afterwards;
    /// f is unchanged (permutations commute with the identity activation). Needs every hidden width
    /// h_k ≥ 2 (a single unit cannot be permuted) and square partial products (``componentLabel(_:)``).
    /// Cost: two labels, O(l·d₀³).
    public func joiningPermutations<S: BLASScalar>(from w: ParameterVector<S>, to wPrime: ParameterVector<S>)
        throws(SymmetryError) -> [[Int]]
    {
        let a = try componentLabel(w)
        let b = try componentLabel(wPrime)
        var permutations: [[Int]] = []
        for (k, h) in hiddenSizes.enumerated() {
            var p = Array(0..<h)
            if a[k] != b[k] {
                guard h >= 2 else {
                    throw .unsupportedNetwork(
                        reason: "hidden layer \(k + 1) has one unit; Prop 5.2 needs width ≥ 2 to permute")
                }
                p.swapAt(0, 1)
            }
            permutations.append(p)
        }
        return permutations
    }

    /// w′ moved into w's component by ``joiningPermutations(from:to:)``, with the permutations used.
    public func joinComponent(of wPrime: ParameterVector<Double>, with w: ParameterVector<Double>)
        throws(SymmetryError) -> (moved: ParameterVector<Double>, permutations: [[Int]])
    {
        let permutations = try joiningPermutations(from: w, to: wPrime)
        let moved = try PermutationAction(network: network, permutations: permutations).act(on: wPrime)
        return (moved, permutations)
    }
}
