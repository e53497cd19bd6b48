import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// The input distribution of an exact-construction check.
public enum ConstructionInputs: String, Sendable, Hashable, CaseIterable {
    /// x ~ N(0, I_d).
    case gaussian
    /// x ~ Unif(S^{d−1}), Lin, Li & Wu's Assumption 5 (OrbitData's `TeacherStudentData.sphere`).
    case sphere
}

/// Samples on which the exact constructions are checked by evaluating Orbit's networks: the
/// empirical loss (1/n) Σ (f(x_i; θ) − y_i)² at a construction that is exact is zero up to rounding
/// (the targets are stored as Float, so about 1e-14·E y²), while a point off the minimum set has a
/// strictly positive loss for almost every sample.
public enum ConstructionData {
    /// n inputs in d dimensions (Float rows, as `DataSplit` stores them).
    public static func inputs(
        rows n: Int, dimension d: Int, distribution: ConstructionInputs, generator g: inout SeededGenerator
    ) -> Matrix<Float> {
        switch distribution {
        case .sphere: return TeacherStudentData.sphere(rows: n, dimension: d, generator: &g)
        case .gaussian: return Matrix<Float>.normal(rows: n, columns: d, generator: &g)
        }
    }

    /// The teacher–student data of Lin, Li & Wu §4.1: y = Σ_{j≤M} ReLU(x_j) (summed in Float, in
    /// index order, as `TeacherStudentData.teacher`). The data set has a train split only.
    public static func teacherStudent(
        teacherWidth: Int, inputDimension: Int, samples n: Int, distribution: ConstructionInputs = .gaussian,
        seed: UInt64
    ) -> Dataset {
        var g = SeededGenerator(seed: seed)
        let x = inputs(rows: n, dimension: inputDimension, distribution: distribution, generator: &g)
        let y = x.withView { view in
            Matrix<Float>(rows: n, columns: 1) { out in
                for i in 0..<n { out[i] = TeacherStudentData.teacher(view.row(i), neurons: teacherWidth) }
            }
        }
        return Dataset(
            name: "teacher-student:d=\(inputDimension),M=\(teacherWidth),n=\(n),\(distribution.rawValue)",
            train: DataSplit(features: x, targets: .values(y)), test: nil)
    }

    /// Deep linear data of Assumption 15: y = Q x with E x = 0 and E xxᵀ = I (Gaussian) or I/d
    /// (sphere); Q is 1×d. The targets are computed in Double and rounded to Float.
    public static func linearTeacher(
        target q: Matrix<Double>, samples n: Int, distribution: ConstructionInputs = .gaussian, seed: UInt64
    ) -> Dataset {
        var g = SeededGenerator(seed: seed)
        let d = q.columns
        let x = inputs(rows: n, dimension: d, distribution: distribution, generator: &g)
        let y = x.withView { view in
            Matrix<Float>(rows: n, columns: 1) { out in
                for i in 0..<n {
                    let row = view.row(i)
                    var s = 0.0
                    for j in 0..<d { s += q[0, j] * Double(row[j]) }
                    out[i] = Float(s)
                }
            }
        }
        return Dataset(
            name: "linear-teacher:d=\(d),n=\(n),\(distribution.rawValue)",
            train: DataSplit(features: x, targets: .values(y)), test: nil)
    }

    /// The squared-loss values along `path` at `t`, measured with Orbit's fused path evaluator on the
    /// data set's train split. Cost: one pass over the data per path (see `PathEvaluator`).
    public static func lossProfile(
        network: Network, path: AffinePath<Double>, on dataset: Dataset, t: [Double]
    ) throws -> [Double] {
        let profile = try PathEvaluator(network: network, batchSize: 4096, loss: .meanSquaredError)
            .profile(path, on: dataset, t: t, name: "construction")
        return profile.splits["train"]!.map(\.loss)
    }

    /// max_t of ``lossProfile(network:path:on:t:)``.
    public static func maximumLoss(
        network: Network, path: AffinePath<Double>, on dataset: Dataset, t: [Double]
    ) throws -> Double {
        try lossProfile(network: network, path: path, on: dataset, t: t).max() ?? 0
    }
}
