import OrbitKit

/// Issue 18's curvature workloads on the 784-512-512-512-10 ReLU MLP and 4096 Fashion-MNIST samples
/// (random data of the same shape when the data set is not installed: the arithmetic is the same).
///
/// - `hvp-ratio/hvp/…` and `hvp-ratio/gradient/…`: one exact Hessian-vector product against one
///   gradient over the same 4096 samples, both split across the cores; run.py reports the pair
///   (goal: HVP ≤ 2.5 × gradient). The HVP is applied repeatedly at one θ, as Lanczos does: the
///   operator records the pass at θ on the first (untimed warm-up) application and every timed one
///   runs only the R-passes against it (see ``HessianOperator``).
/// - `hvp-ratio/recompute/…`: the same product with the cache disabled (`cacheBudget: 0`), as above
///   the memory budget — about the first application's cost, which also records the pass.
/// - `hessian-top/…`: the top eigenvalue by 20 Lanczos steps (full reorthogonalisation), against
///   PyTorch doing the same with double-backward HVPs (benchmarks/reference/curvature.py). The
///   operator is built once, so the timed runs reuse the pass at θ the warm-up recorded; a fresh
///   operator pays one `recompute` application more for its first step.
enum CurvatureWorkloads {
    static let description = "mlp:784-512-512-512-10:relu"
    static let samples = 4096

    static var all: [Workload] {
        [
            Workload(name: "hvp-ratio/hvp/mlp-784-512-512-512-10", flops: cachedHVPFlops) {
                let (network, theta, split) = setUp()
                let op = try! HessianOperator(
                    network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy,
                    batchSize: samples)
                var g = SeededGenerator(seed: 1)
                let v = HutchinsonTrace.gaussian(layout: network.layout, as: Float.self, using: &g)
                return { _ = try! op.apply(v) }
            },
            Workload(name: "hvp-ratio/recompute/mlp-784-512-512-512-10", flops: hvpFlops) {
                let (network, theta, split) = setUp()
                let op = try! HessianOperator(
                    network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy,
                    batchSize: samples, cacheBudget: 0)
                var g = SeededGenerator(seed: 1)
                let v = HutchinsonTrace.gaussian(layout: network.layout, as: Float.self, using: &g)
                return { _ = try! op.apply(v) }
            },
            Workload(name: "hvp-ratio/gradient/mlp-784-512-512-512-10", flops: gradientFlops) {
                let (network, theta, split) = setUp()
                let gradient = MinibatchGradient<Float>(network: network, batchSize: samples)
                let loader = BatchLoader<Float>(split: split, capacity: samples)
                loader.load(0..<samples)
                return {
                    Threading.withSingleThreadedBLAS(when: gradient.parts > 1) {
                        _ = gradient.compute(theta, loader: loader, loss: .softmaxCrossEntropy)
                        _ = gradient.gradient
                    }
                }
            },
            Workload(name: "hessian-top/mlp-784-512-512-512-10", flops: 20 * cachedHVPFlops) {
                let (network, theta, split) = setUp()
                let op = try! HessianOperator(
                    network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy,
                    batchSize: samples)
                var g = SeededGenerator(seed: 1)
                let start = HutchinsonTrace.gaussian(layout: network.layout, as: Float.self, using: &g)
                return {
                    _ = try! Lanczos.run(start: start, steps: 20, topK: 1, tolerance: -1) {
                        (v: ParameterVector<Float>) throws(CurvatureError) in try op.apply(v)
                    }
                }
            },
        ]
    }

    static func setUp() -> (Network, ParameterVector<Float>, DataSplit) {
        let dataset = BenchmarkData.fashionMNISTOrRandom()
        let network = try! Network(parsing: description)
        let theta: ParameterVector<Float> = network.initialParameters(.pytorch, seed: 0)
        return (network, theta, dataset.train.prefix(samples))
    }

    /// Σ in·out of the network's GEMMs per sample.
    static let perSample = Double(784 * 512 + 512 * 512 * 2 + 512 * 10)
    /// A gradient: forward, ∂W and ∂x GEMMs (the first layer's ∂x skipped): 2·n·(3Σ − first).
    static var gradientFlops: Double { 2 * Double(samples) * (3 * perSample - 784 * 512) }
    /// An HVP: eight GEMMs per step, three for the first (see HessianVectorWorkspace).
    static var hvpFlops: Double { 2 * Double(samples) * (8 * perSample - 5 * 784 * 512) }
    /// An HVP against the recorded pass at θ: six GEMMs per step, two for the first.
    static var cachedHVPFlops: Double { 2 * Double(samples) * (6 * perSample - 4 * 784 * 512) }
}
