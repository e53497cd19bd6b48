import OrbitKit

/// W6: the 101-point symmetry curve γ(t) = exp(t·log g)·w (Zhao et al. 2025, Eq. 5) between w and
/// g·w on a 32-64-64-10 linear network, with the mean squared error on 4096 Gaussian samples at
/// each point, in Float64. g_k = expm(0.5·G_k/8) (G_k 64 × 64 standard normal), so det g_k > 0 and
/// log g_k is real. The timed body builds the curve (one Schur-based logm per hidden layer) and
/// evaluates ``OrbitCurve/meanSquaredErrorProfile(inputs:targets:t:)`` (one eigendecomposition per
/// layer, then per t a GEMM for g(t) and g(t)⁻¹, the acted weights, their product, and one batched
/// forward GEMM). `benchmarks/reference/symmetry.py` does the same with scipy's expm/logm per point
/// and a layer-by-layer numpy forward pass.
enum SymmetryWorkloads {
    static var all: [Workload] {
        [
            Workload(name: "symmetry-curve/linear-32-64-64-10", flops: nil) {
                let network = try! Network(parsing: "linear:32-64-64-10")
                let w = network.initialParameters(seed: 6, as: Double.self)
                var g = SeededGenerator(seed: 66)
                let elements = (0..<2).map { _ in
                    try! Matrix<Double>.normal(rows: 64, columns: 64, standardDeviation: 0.5 / 8, generator: &g).expm()
                }
                let x = Matrix<Double>.normal(rows: 4096, columns: 32, generator: &g)
                let y = Matrix<Double>.normal(rows: 4096, columns: 10, generator: &g)
                let t = (0...100).map { Double($0) / 100 }
                return {
                    let curve = try! OrbitCurve(network: network, start: w, elements: elements)
                    let losses = try! curve.meanSquaredErrorProfile(inputs: x, targets: y, t: t)
                    precondition(losses.count == 101 && losses.allSatisfy(\.isFinite))
                }
            }
        ]
    }
}
