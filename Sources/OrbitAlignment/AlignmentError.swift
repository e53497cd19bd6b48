import OrbitNetworks
import OrbitNumerics

/// Errors of the alignment layer: permutation specs that do not fit a parameter layout, permutations
/// of the wrong size, methods that do not apply to a network, and failed functional-equivalence checks.
/// Every case names the tensor, axis, group and sizes involved.
public enum AlignmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A permuted axis names a tensor the layout does not have.
    case missingTensor(group: String, tensor: String)
    /// A permuted axis is beyond the tensor's rank.
    case missingAxis(group: String, tensor: String, axis: Int, shape: [Int])
    /// A permuted axis whose length differs from its group's size.
    case sizeMismatch(group: String, tensor: String, axis: Int, axisSize: Int, groupSize: Int)
    /// The same (tensor, axis) appears in two groups (or twice in one).
    case axisPermutedTwice(tensor: String, axis: Int, groups: [String])
    /// A hidden axis that should be permuted (it is the output axis of a tensor whose units another
    /// tensor reads) but that no group covers.
    case uncoveredAxis(tensor: String, axis: Int)
    /// An axis the spec permutes that lives in a fixed space (the network's input or output) or
    /// carries no channel space at all.
    case fixedAxisPermuted(tensor: String, axis: Int, space: String)
    /// A group whose axes live in two different channel spaces.
    case groupSpansSpaces(group: String, tensors: [String])
    /// A group that permutes where units are produced but not where they are read, or the reverse.
    case unmatchedGroup(group: String, present: PermutedAxis, missing: String)
    /// Two groups with one name.
    case duplicateGroup(name: String)
    /// A permutation for group `group` that is missing, of the wrong length, or not a permutation.
    case invalidPermutation(group: String, reason: String)
    /// The parameters do not match the network / spec layout.
    case layoutMismatch(NetworkError)
    /// The method cannot handle this network or these settings.
    case unsupported(method: String, reason: String)
    /// Inputs of the wrong width, no samples, or a non-finite statistic.
    case invalidData(reason: String)
    /// Permuted and original parameters compute different functions.
    case notEquivalent(deviation: Double, tolerance: Double)
    /// A numerical routine (the assignment solver) failed.
    case numerics(LinearAlgebraError)

    public var description: String {
        switch self {
        case .missingTensor(let group, let tensor):
            return "permutation group '\(group)' acts on tensor '\(tensor)', which the parameters do not have"
        case .missingAxis(let group, let tensor, let axis, let shape):
            return "permutation group '\(group)' acts on axis \(axis) of '\(tensor)', which has shape \(shape)"
        case .sizeMismatch(let group, let tensor, let axis, let axisSize, let groupSize):
            return
                "permutation group '\(group)' has size \(groupSize) but axis \(axis) of '\(tensor)' has \(axisSize) entries"
        case .axisPermutedTwice(let tensor, let axis, let groups):
            return "axis \(axis) of '\(tensor)' is permuted twice (groups \(groups.joined(separator: ", ")))"
        case .uncoveredAxis(let tensor, let axis):
            return "axis \(axis) of '\(tensor)' holds hidden units but no permutation group covers it"
        case .fixedAxisPermuted(let tensor, let axis, let space):
            return
                "axis \(axis) of '\(tensor)' lives in a fixed space (\(space)); permuting it would change the network's function"
        case .groupSpansSpaces(let group, let spaces):
            return
                "group '\(group)' permutes axes of two channel spaces (\(spaces.joined(separator: " and "))); one group permutes one space"
        case .unmatchedGroup(let group, let present, let missing):
            return
                "permutation group '\(group)' permutes axis \(present.axis) of '\(present.tensor)' but not \(missing): that axis is uncovered"
        case .duplicateGroup(let name):
            return "two permutation groups are named '\(name)'"
        case .invalidPermutation(let group, let reason):
            return "invalid permutation for group '\(group)': \(reason)"
        case .layoutMismatch(let error):
            return error.description
        case .unsupported(let method, let reason):
            return "\(method) does not apply: \(reason)"
        case .invalidData(let reason):
            return "invalid data for alignment: \(reason)"
        case .notEquivalent(let deviation, let tolerance):
            return
                "the permuted model computes a different function: largest |Δoutput| = \(deviation) exceeds the tolerance \(tolerance)"
        case .numerics(let error):
            return "\(error)"
        }
    }
}
