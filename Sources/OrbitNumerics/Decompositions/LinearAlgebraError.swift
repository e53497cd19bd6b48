/// Errors raised by Orbit's numerical routines.
///
/// Every routine validates its input before handing it to BLAS/LAPACK: a non-finite entry or a
/// dimension mismatch becomes one of these cases, never a crash or a silently wrong answer.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Shapes that do not fit together, e.g. `(3×4)·(5×2)`.
    case dimensionMismatch(operation: String, detail: String)
    /// The matrix must be square for this operation.
    case notSquare(operation: String, rows: Int, columns: Int)
    /// An entry is NaN or ±∞ (the first offending position is reported).
    case nonFinite(operation: String, row: Int, column: Int)
    /// The matrix is exactly singular (LAPACK found a zero pivot at `pivot`, 1-based).
    case singular(operation: String, pivot: Int)
    /// An iterative LAPACK routine did not converge (`info` as LAPACK returned it).
    case notConverged(operation: String, info: Int)
    /// LAPACK reported an illegal argument — a bug in Orbit, reported instead of crashing.
    case illegalArgument(operation: String, info: Int)
    /// The matrix has no real principal logarithm: it has an eigenvalue on the closed negative real
    /// axis (the largest such is reported).
    case noRealLogarithm(eigenvalue: Double)
    /// The cost matrix of an assignment problem admits no finite-cost complete assignment.
    case infeasibleAssignment

    public var description: String {
        switch self {
        case .dimensionMismatch(let operation, let detail):
            return "\(operation): dimension mismatch: \(detail)"
        case .notSquare(let operation, let rows, let columns):
            return "\(operation): the matrix must be square, got \(rows)×\(columns)"
        case .nonFinite(let operation, let row, let column):
            return "\(operation): non-finite entry (NaN or ±∞) at row \(row), column \(column)"
        case .singular(let operation, let pivot):
            return "\(operation): the matrix is singular (zero pivot at position \(pivot))"
        case .notConverged(let operation, let info):
            return "\(operation): LAPACK did not converge (info = \(info))"
        case .illegalArgument(let operation, let info):
            return "\(operation): LAPACK rejected argument \(-info) (an Orbit bug; please report it)"
        case .noRealLogarithm(let eigenvalue):
            return
                "the matrix has no real principal logarithm: eigenvalue \(eigenvalue) lies on the closed negative real axis"
        case .infeasibleAssignment:
            return "linear assignment: no complete assignment with finite cost exists"
        }
    }
}
