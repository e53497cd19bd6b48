import OrbitNetworks
import OrbitNumerics

extension Model {
    /// Throws ``CheckpointError/layoutMismatch(file:reference:tensor:expected:found:)`` unless this
    /// model has the parameter layout of `reference`: the same tensor names and shapes in the same order
    /// (what every operation on several models — a path, a plane, an alignment, a star — needs). The
    /// error names the first tensor that differs with both shapes; `file` names this model and
    /// `referenceFile` the reference in it (their file paths, or e.g. "the feet"). Cost: O(tensors).
    public func requireSameLayout<Other: BLASScalar>(
        as reference: Model<Other>, file: String, referenceFile: String
    ) throws(CheckpointError) {
        do {
            try reference.network.layout.requireMatches(network.layout)
        } catch {
            guard case .layoutMismatch(let tensor, let expected, let found) = error else {
                preconditionFailure("ParameterLayout.requireMatches throws layout mismatches only")
            }
            throw .layoutMismatch(
                file: file, reference: referenceFile, tensor: tensor, expected: expected, found: found)
        }
    }
}
