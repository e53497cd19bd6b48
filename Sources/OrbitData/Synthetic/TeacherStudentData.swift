import OrbitNumerics

/// The two-layer ReLU teacher–student setting of Lin, Li & Wu 2024 (arXiv 2404.06391, §4.1,
/// Assumption 5; docs/math/star.md §2): inputs uniform on the unit sphere S^{d−1}, and the teacher
///
///     f*(x) = Σ_{j=1..M} ReLU(x_j),
///
/// i.e. M ≤ d teacher neurons w*_j = e_j with unit output weights. Targets are n×1 `.values`.
///
/// Sampling: x = g/‖g‖ with g ~ N(0, I_d) (normalised in Double, then rounded to Float). Targets are
/// computed from the stored Float x as a Float sum over j = 0..<M in order, so a student equal to
/// the teacher (or any W in the paper's global-minimum manifold evaluated the same way) has zero
/// loss on this data. Draw order: train X, then test X.
/// Spec: `synthetic:teacher-student:d=4,M=4,n=1000,test=200,seed=0`.
public struct TeacherStudentData: Sendable, Equatable {
    /// d, the input dimension.
    public var dimension = 4
    /// M ≤ d, the number of teacher neurons.
    public var teacherNeurons = 4
    public var trainCount = 1000
    public var testCount = 200
    public var seed: UInt64 = 0

    public init(
        dimension: Int = 4, teacherNeurons: Int = 4, trainCount: Int = 1000, testCount: Int = 200, seed: UInt64 = 0
    ) {
        self.dimension = dimension
        self.teacherNeurons = teacherNeurons
        self.trainCount = trainCount
        self.testCount = testCount
        self.seed = seed
    }

    /// f*(x) = Σ_{j<M} max(0, x_j), summed in Float in index order.
    @inlinable
    public static func teacher(_ x: UnsafeBufferPointer<Float>, neurons: Int) -> Float {
        var s: Float = 0
        for j in 0..<neurons { s += Swift.max(0, x[j]) }
        return s
    }

    /// n points uniform on S^{d−1}.
    public static func sphere(rows n: Int, dimension d: Int, generator g: inout SeededGenerator) -> Matrix<Float> {
        var x = Matrix<Float>(rows: n, columns: d)
        var g64 = [Double](repeating: 0, count: d)
        x.withUnsafeMutableBufferPointer { out in
            for i in 0..<n {
                var norm2 = 0.0
                repeat {
                    // A zero vector has probability 0; redraw rather than divide by zero.
                    norm2 = 0
                    for j in 0..<d {
                        g64[j] = g.nextGaussian()
                        norm2 += g64[j] * g64[j]
                    }
                } while norm2 == 0
                let inverse = 1 / norm2.squareRoot()
                for j in 0..<d { out[i * d + j] = Float(g64[j] * inverse) }
            }
        }
        return x
    }

    public func generate() -> Dataset {
        precondition(
            teacherNeurons >= 1 && teacherNeurons <= dimension,
            "need 1 ≤ M ≤ d, got M = \(teacherNeurons), d = \(dimension)")
        var g = SeededGenerator(seed: seed)
        func split(_ n: Int) -> DataSplit {
            let x = Self.sphere(rows: n, dimension: dimension, generator: &g)
            let y = x.withView { view in
                Matrix<Float>(rows: n, columns: 1) { out in
                    for i in 0..<n { out[i] = Self.teacher(view.row(i), neurons: teacherNeurons) }
                }
            }
            return DataSplit(features: x, targets: .values(y))
        }
        let train = split(trainCount)
        let test = testCount > 0 ? split(testCount) : nil
        let spec = SyntheticSpec.teacherStudent(self).description
        var provenance = SyntheticSampling.provenance(spec: spec, seed: seed, train: trainCount, test: testCount)
        provenance["generator"] =
            "x ~ Unif(S^\(dimension - 1)), y = Σ_{j<\(teacherNeurons)} ReLU(x_j) (Lin, Li & Wu 2024)"
        return Dataset(name: spec, train: train, test: test, provenance: provenance)
    }
}
