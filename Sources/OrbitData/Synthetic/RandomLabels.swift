import OrbitNumerics

/// Pure noise for memorisation experiments: features x ~ N(0, I_d) and labels uniform in 0..<k,
/// independent of x (Zhang et al. 2017's "random labels").
///
/// Draw order: train X, train labels, test X, test labels.
/// Spec: `synthetic:random-labels:d=20,k=10,n=1000,test=200,seed=0`.
public struct RandomLabels: Sendable, Equatable {
    public var dimension = 20
    /// k, the number of classes.
    public var classes = 10
    public var trainCount = 1000
    public var testCount = 200
    public var seed: UInt64 = 0

    public init(dimension: Int = 20, classes: Int = 10, trainCount: Int = 1000, testCount: Int = 200, seed: UInt64 = 0)
    {
        self.dimension = dimension
        self.classes = classes
        self.trainCount = trainCount
        self.testCount = testCount
        self.seed = seed
    }

    public func generate() -> Dataset {
        var g = SeededGenerator(seed: seed)
        func split(_ n: Int) -> DataSplit {
            let x = Matrix<Float>.normal(rows: n, columns: dimension, generator: &g)
            let labels = (0..<n).map { _ in Int32(SyntheticSampling.uniformInteger(below: classes, generator: &g)) }
            return DataSplit(features: x, targets: .classes(labels: labels, classCount: classes))
        }
        let train = split(trainCount)
        let test = testCount > 0 ? split(testCount) : nil
        let spec = SyntheticSpec.randomLabels(self).description
        var provenance = SyntheticSampling.provenance(spec: spec, seed: seed, train: trainCount, test: testCount)
        provenance["generator"] = "x ~ N(0, I_\(dimension)), labels uniform in 0..<\(classes), independent"
        return Dataset(name: spec, train: train, test: test, provenance: provenance)
    }
}
