import OrbitNetworks
import OrbitNumerics

/// One axis of one tensor that a permutation reorders.
public struct PermutedAxis: Sendable, Equatable, Hashable {
    public let tensor: String
    public let axis: Int

    public init(tensor: String, axis: Int) {
        self.tensor = tensor
        self.axis = axis
    }
}

/// One hidden-unit permutation: its name, size, and the (tensor, axis) pairs it acts on.
///
/// For a dense layer producing units of group P: the rows (axis 0) of its weight and its bias, and the
/// columns (axis 1) of every weight reading those units.
public struct PermutationGroup: Sendable, Equatable {
    public let name: String
    public let size: Int
    public let axes: [PermutedAxis]

    public init(name: String, size: Int, axes: [PermutedAxis]) {
        self.name = name
        self.size = size
        self.axes = axes
    }
}

/// The permutation symmetry of a network as one table: group → size → the (tensor, axis) pairs it
/// permutes (the structure of Git Re-Basin's `PermutationSpec`, Ainsworth et al. 2023), validated
/// against a parameter layout on construction.
///
/// Derived from a ``Network``: every dense layer except the last opens a group for its output units
/// (rows of its weight and bias; columns of the next layer's weight). A residual block x ↦ σ(F(x) + ε·x)
/// forces its output to carry the same permutation as its input, so the whole residual stream shares
/// one group; the inner layers of F open groups of their own. Units that reach the network's output
/// (or come straight from its input) are never permuted. Elementwise activations commute with
/// permutations, so f(x; π(θ)) = f(x; θ) for every π (docs/math/symmetry.md §2).
public struct PermutationSpec: Sendable {
    public let groups: [PermutationGroup]
    /// The layout the spec was validated against.
    public let layout: ParameterLayout

    /// A spec from explicit groups, validated against `layout` (see ``validate(_:)``).
    public init(groups: [PermutationGroup], layout: ParameterLayout) throws(AlignmentError) {
        self.groups = groups
        self.layout = layout
        try validate(layout)
    }

    /// The spec of `network` (see the type's documentation).
    public init(network: Network) throws(AlignmentError) {
        // The hidden-unit walk (NetworkStructure) is written for dense chains; graphs come with the
        // weight-space table of the alignment-for-graphs issue.
        do { try network.requireDenseChain(for: "permutation alignment") } catch {
            throw .unsupported(method: "permutation alignment", reason: error.description)
        }
        let structure = NetworkStructure(network)
        var axes: [String: [PermutedAxis]] = [:]
        var sizes: [String: Int] = [:]
        var order: [String] = []
        for step in structure.steps {
            if let g = step.inputGroup { axes[g, default: []].append(PermutedAxis(tensor: step.weight, axis: 1)) }
            if let g = step.outputGroup {
                if sizes[g] == nil {
                    sizes[g] = step.outputs
                    order.append(g)
                }
                axes[g, default: []].append(PermutedAxis(tensor: step.weight, axis: 0))
                if let b = step.bias { axes[g, default: []].append(PermutedAxis(tensor: b, axis: 0)) }
            }
        }
        try self.init(
            groups: order.map { PermutationGroup(name: $0, size: sizes[$0]!, axes: axes[$0]!) }, layout: network.layout)
    }

    /// Checks that every permuted axis exists in `layout` with its group's size, that no axis is permuted
    /// twice, that group names are unique, and that every tensor whose axis 0 is permuted has its bias
    /// (same name with `.bias`) permuted too when that exists.
    public func validate(_ layout: ParameterLayout) throws(AlignmentError) {
        var seen: [PermutedAxis: String] = [:]
        var names: Set<String> = []
        for g in groups {
            guard names.insert(g.name).inserted else { throw .duplicateGroup(name: g.name) }
            for a in g.axes {
                guard let spec = layout.tensor(named: a.tensor) else {
                    throw .missingTensor(group: g.name, tensor: a.tensor)
                }
                guard a.axis >= 0, a.axis < spec.shape.count else {
                    throw .missingAxis(group: g.name, tensor: a.tensor, axis: a.axis, shape: spec.shape)
                }
                guard spec.shape[a.axis] == g.size else {
                    throw .sizeMismatch(
                        group: g.name, tensor: a.tensor, axis: a.axis, axisSize: spec.shape[a.axis], groupSize: g.size)
                }
                if let other = seen[a] {
                    throw .axisPermutedTwice(tensor: a.tensor, axis: a.axis, groups: [other, g.name])
                }
                seen[a] = g.name
            }
        }
        for g in groups {
            // A permuted weight row without its bias (or a bias without its row) breaks f.
            for a in g.axes where a.axis == 0 && a.tensor.hasSuffix(".weight") {
                let bias = String(a.tensor.dropLast(".weight".count)) + ".bias"
                if layout.tensor(named: bias) != nil, seen[PermutedAxis(tensor: bias, axis: 0)] == nil {
                    throw .uncoveredAxis(tensor: bias, axis: 0)
                }
            }
            // Units must be reordered both where they are produced (rows) and where they are read (columns).
            let produced = g.axes.first { $0.axis == 0 }
            let read = g.axes.first { $0.axis == 1 }
            if let produced, read == nil {
                throw .unmatchedGroup(
                    group: g.name, present: produced, missing: "the columns (axis 1) of the weight reading these units")
            }
            if let read, produced == nil {
                throw .unmatchedGroup(
                    group: g.name, present: read, missing: "the rows (axis 0) of the weight producing these units")
            }
        }
    }

    /// The group called `name`.
    public func group(named name: String) -> PermutationGroup? { groups.first { $0.name == name } }

    /// The group permuting `axis` of `tensor`, if any.
    public func group(of tensor: String, axis: Int) -> String? {
        axisGroups[PermutedAxis(tensor: tensor, axis: axis)]
    }

    var axisGroups: [PermutedAxis: String] {
        var map: [PermutedAxis: String] = [:]
        for g in groups { for a in g.axes { map[a] = g.name } }
        return map
    }

    /// The number of scalar parameters the spec permutes and a one-line summary per group.
    public var summary: String {
        groups.map { g in "\(g.name) (\(g.size) units, \(g.axes.count) axes)" }.joined(separator: "; ")
    }
}
