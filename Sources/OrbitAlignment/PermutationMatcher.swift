import OrbitNetworks
import OrbitNumerics

/// A matching method: for two models A and B of one network, the hidden-unit permutations π (one per
/// group of the spec) that carry B onto A, returned as a ``MatchingResult``; π(θ_B) is then
/// `spec.apply(result.permutations, to: b)`. Weight matching, activation matching, Σ-weighted and naive
/// weight matching, layer-wise OT and Sinkhorn all conform, so a caller chooses a method once (e.g.
/// ``AlignmentMethod/matcher(seed:maxSweeps:epsilon:)``) and runs it without knowing which it is.
public protocol PermutationMatcher: Sendable {
    /// Whether ``match(network:_:_:spec:inputs:)`` reads `inputs` (activation statistics or Σ).
    var needsInputs: Bool { get }

    /// Aligns `b` to `a`. `inputs` (one sample per row, the network's input width) feeds the methods
    /// that need data and is ignored by the others.
    ///
    /// - Throws: ``AlignmentError/invalidData(reason:)`` when the method needs inputs and `inputs` is nil,
    ///   empty or of the wrong width; each method's own errors (layouts, unsupported networks).
    func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs: Matrix<Float>?
    ) throws -> MatchingResult
}

extension PermutationMatcher {
    /// `inputs`, or no samples: the methods that need data then fail with "no input samples".
    func inputsOrNone(_ inputs: Matrix<Float>?, network: Network) -> Matrix<Float> {
        inputs ?? Matrix<Float>(rows: 0, columns: network.inputSize)
    }
}

extension WeightMatching: PermutationMatcher {
    public var needsInputs: Bool { false }

    public func match(
        network _: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs _: Matrix<Float>?
    ) throws -> MatchingResult {
        try match(a, b, spec: spec)
    }
}

extension ActivationMatching: PermutationMatcher {
    public var needsInputs: Bool { true }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs: Matrix<Float>?
    ) throws -> MatchingResult {
        try match(network: network, a, b, inputs: inputsOrNone(inputs, network: network), spec: spec)
    }
}

extension SigmaWeightedMatching: PermutationMatcher {
    /// Σ = E[h hᵀ] is measured on the inputs; the naive metric Σ = I needs none.
    public var needsInputs: Bool { metric == .secondMoment }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs: Matrix<Float>?
    ) throws -> MatchingResult {
        try match(network: network, a, b, inputs: inputsOrNone(inputs, network: network), spec: spec)
    }
}

extension OTAlignment: PermutationMatcher {
    public var needsInputs: Bool { false }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs _: Matrix<Float>?
    ) throws -> MatchingResult {
        try match(network: network, a, b, spec: spec)
    }
}

extension SinkhornAlignment: PermutationMatcher {
    public var needsInputs: Bool { false }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec,
        inputs _: Matrix<Float>?
    ) throws -> MatchingResult {
        try match(network: network, a, b, spec: spec)
    }
}
