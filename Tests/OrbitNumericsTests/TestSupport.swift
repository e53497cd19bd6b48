@testable import OrbitNumerics

/// The largest |a_ij − b_ij| / max(1, max|b|), a scale-aware comparison for matrices.
func relativeError<T: BLASScalar>(_ a: Matrix<T>, _ b: Matrix<T>) -> Double {
    precondition(a.rows == b.rows && a.columns == b.columns)
    let scale = max(1, Double(b.maxMagnitude()))
    return Double((a - b).maxMagnitude()) / scale
}

/// ‖a − b‖_F / ‖b‖_F.
func relativeFrobeniusError(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    (a - b).frobeniusNorm / max(b.frobeniusNorm, .leastNormalMagnitude)
}

func randomMatrix<T: BLASScalar>(_ rows: Int, _ columns: Int, seed: UInt64, as _: T.Type = T.self) -> Matrix<T> {
    var g = SeededGenerator(seed: seed)
    return .normal(rows: rows, columns: columns, generator: &g)
}
