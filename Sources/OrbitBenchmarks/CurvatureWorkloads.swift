import OrbitKit

/// Issue 18's curvature workloads on the 784-512-512-512-10 ReLU MLP and 4096 Fashion-MNIST samples
/// (random data of the same shape when the data set is not installed: the arithmetic is the same).
///
/// - `hvp-ratio/hvp/…` and `hvp-ratio/gradient/…`: one exact Hessian-vector product against one
///   gradient over the same 4096 samples, both split across the cores; run.py reports the pair
///   (goal: HVP ≤ 2.5 × gradient).
/// - `hessian-top/…`: the top eigenvalue by 20 Lanczos steps (full reorthogonalisation), against
///   PyTorch doing the same with double-backward HVPs (benchmarks/reference/curvature.py).
enum CurvatureWorkloads {
    static let description = "mlp:784-512-512-512-10:relu"
    static let samples = 4096

    static var all: [Workload] {
        [
            Workload(name: "hvp-ratio/hvp/mlp-784-512-512-512-10", flops: hvpFlops) {
                let (network, theta, split) = setUp()
                let op = try! HessianOperator(
                    network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy,
                    batchSize: samples)
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
            Workload(name: "hessian-top/mlp-784-512-512-512-10", flops: 20 * hvpFlops) {
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
}
