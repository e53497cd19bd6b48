import OrbitNumerics

/// Noisy linear regression with Gaussian inputs: x ~ N(0, I_d), y = W·x + σ·ε, ε ~ N(0, I_k), with
/// a fixed random W whose entries are N(0, 1/d) (so each output has variance ≈ 1 before noise).
///
/// Draw order from the seed: W (row-major), train X, train ε, test X, test ε.
/// Spec: `synthetic:regression:d=20,k=1,n=1000,test=200,noise=0.1,seed=0`.
public struct GaussianRegression: Sendable, Equatable {
    /// d, the input dimension.
    public var dimension = 20
    /// k, the number of outputs.
    public var outputs = 1
    public var trainCount = 1000
    public var testCount = 200
    /// σ, the noise standard deviation.
    public var noise = 0.1
    public var seed: UInt64 = 0

    public init(
        dimension: Int = 20, outputs: Int = 1, trainCount: Int = 1000, testCount: Int = 200, noise: Double = 0.1,
        seed: UInt64 = 0
    ) {
        self.dimension = dimension
        self.outputs = outputs
        self.trainCount = trainCount
        self.testCount = testCount
        self.noise = noise
        self.seed = seed
    }

    public func generate() -> Dataset {
        var g = SeededGenerator(seed: seed)
        let w = Matrix<Float>.normal(
            rows: outputs, columns: dimension, standardDeviation: 1 / Double(dimension).squareRoot(), generator: &g)
        func split(_ n: Int) -> DataSplit {
            let x = Matrix<Float>.normal(rows: n, columns: dimension, generator: &g)
            let y = SyntheticSampling.linearTargets(x, teacher: w, noise: noise, generator: &g)
            return DataSplit(features: x, targets: .values(y))
        }
        let train = split(trainCount)
        let test = testCount > 0 ? split(testCount) : nil
        let spec = SyntheticSpec.regression(self).description
        var provenance = SyntheticSampling.provenance(spec: spec, seed: seed, train: trainCount, test: testCount)
        provenance["generator"] = "y = W x + \(noise)·ε, x ~ N(0, I_\(dimension)), W_ij ~ N(0, 1/\(dimension))"
        return Dataset(name: spec, train: train, test: test, provenance: provenance)
    }
}
