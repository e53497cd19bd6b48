import OrbitNumerics

/// A linear teacher y = Q·x (+ optional noise) on Gaussian inputs x ~ N(0, I_d) — the target of
/// deep linear networks (P1/P3's linear settings). Q is k×d: a given matrix, or drawn from the seed
/// as Gaussian (entries N(0, 1/d)), Haar-orthogonal (orthonormal rows or columns, ``Matrix/orthogonal(rows:columns:gain:generator:)``)
/// or the identity-like k×d matrix with ones on the diagonal.
///
/// Draw order from the seed: Q (if random), train X, train noise, test X, test noise.
/// Spec: `synthetic:linear-teacher:d=20,k=5,n=1000,test=200,noise=0,q=gaussian,seed=0`.
public struct LinearTeacher: Sendable, Equatable {
    /// How Q is chosen.
    public enum TeacherMatrix: Sendable, Equatable {
        case gaussian
        case orthogonal
        case identity
        case given(Matrix<Float>)

        /// The spec name (`given` has none).
        var name: String {
            switch self {
            case .gaussian: return "gaussian"
            case .orthogonal: return "orthogonal"
            case .identity: return "identity"
            case .given: return "given"
            }
        }
    }

    public var dimension = 20
    public var outputs = 5
    public var trainCount = 1000
    public var testCount = 200
    public var noise = 0.0
    public var teacher: TeacherMatrix = .gaussian
    public var seed: UInt64 = 0

    public init(
        dimension: Int = 20, outputs: Int = 5, trainCount: Int = 1000, testCount: Int = 200, noise: Double = 0,
        teacher: TeacherMatrix = .gaussian, seed: UInt64 = 0
    ) {
        self.dimension = dimension
        self.outputs = outputs
        self.trainCount = trainCount
        self.testCount = testCount
        self.noise = noise
        self.teacher = teacher
        self.seed = seed
    }

    /// A teacher with a given Q (k×d); `dimension` and `outputs` follow from it.
    public init(
        teacher q: Matrix<Float>, trainCount: Int = 1000, testCount: Int = 200, noise: Double = 0, seed: UInt64 = 0
    ) {
        self.init(
            dimension: q.columns, outputs: q.rows, trainCount: trainCount, testCount: testCount, noise: noise,
            teacher: .given(q), seed: seed)
    }

    /// The teacher matrix Q drawn (or taken) for this configuration.
    public func teacherMatrix(generator g: inout SeededGenerator) -> Matrix<Float> {
        switch teacher {
        case .gaussian:
            return .normal(
                rows: outputs, columns: dimension, standardDeviation: 1 / Double(dimension).squareRoot(), generator: &g)
        case .orthogonal:
            return .orthogonal(rows: outputs, columns: dimension, generator: &g)
        case .identity:
            var q = Matrix<Float>(rows: outputs, columns: dimension)
            for i in 0..<min(outputs, dimension) { q[i, i] = 1 }
            return q
        case .given(let q):
            return q
        }
    }

    public func generate() -> Dataset {
        var g = SeededGenerator(seed: seed)
        let q = teacherMatrix(generator: &g)
        func split(_ n: Int) -> DataSplit {
            let x = Matrix<Float>.normal(rows: n, columns: dimension, generator: &g)
            return DataSplit(
                features: x,
                targets: .values(SyntheticSampling.linearTargets(x, teacher: q, noise: noise, generator: &g)))
        }
        let train = split(trainCount)
        let test = testCount > 0 ? split(testCount) : nil
        let spec = SyntheticSpec.linearTeacher(self).description
        var provenance = SyntheticSampling.provenance(spec: spec, seed: seed, train: trainCount, test: testCount)
        provenance["generator"] =
            "y = Q x + \(noise)·ε, x ~ N(0, I_\(dimension)), Q \(outputs)×\(dimension) \(teacher.name)"
        return Dataset(name: spec, train: train, test: test, provenance: provenance)
    }
}
