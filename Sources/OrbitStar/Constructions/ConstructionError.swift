import OrbitNumerics

/// Why one of Lin, Li & Wu's exact constructions (docs/math/star.md §2–3) could not be built or read.
public enum ConstructionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sizes do not describe the paper's setting (e.g. a student narrower than the teacher).
    case invalidSetting(String)
    /// The given weights are not a global minimum of the paper's loss (Thm 6 or A_L⋯A_1 = Q).
    case notAMinimum(String)
    /// A tensor has the wrong shape for the construction.
    case shapeMismatch(tensor: String, expected: String, got: String)
    /// A LAPACK factorisation failed.
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case .invalidSetting(let reason): return "invalid construction setting: \(reason)"
        case .notAMinimum(let reason): return "not a global minimum: \(reason)"
        case .shapeMismatch(let tensor, let expected, let got):
            return "tensor \(tensor) has shape \(got), expected \(expected)"
        case .linearAlgebra(let error): return "linear algebra failed: \(error)"
        }
    }
}
