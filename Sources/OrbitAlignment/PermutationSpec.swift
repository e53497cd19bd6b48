import OrbitNetworks
import OrbitNumerics

/// One axis of one tensor that a permutation reorders. Axis 0 is the tensor's first dimension
/// (a weight's output units, a vector's entries); axis 1 is the rest of the tensor read as
/// `block`-long runs of consecutive entries per unit (the matrix view shape[0] × rest): 1 for a
/// Linear reading units, kH·kW for a convolution's input channels, H·W for a Linear after a Flatten.
public struct PermutedAxis: Sendable, Equatable, Hashable {
    public let tensor: String
    public let axis: Int
    public let block: Int

    public init(tensor: String, axis: Int, block: Int = 1) {
        self.tensor = tensor
        self.axis = axis
        self.block = block
    }
}

/// One hidden-unit permutation: its name, size, and the (tensor, axis) pairs it acts on.
///
/// For a dense layer producing units of group P: the rows (axis 0) of its weight and its bias, and the
/// columns (axis 1) of every weight reading those units. A group derived from a network names the
/// channel space it permutes (``ChannelSpaces``) and is called after the first node opening it.
public struct PermutationGroup: Sendable, Equatable {
    public let name: String
    public let size: Int
    public let axes: [PermutedAxis]
    /// The channel space of ``ChannelSpaces`` this group permutes (nil for a hand-written group).
    public let space: Int?

    public init(name: String, size: Int, axes: [PermutedAxis], space: Int? = nil) {
        self.name = name
        self.size = size
        self.axes = axes
        self.space = space
    }
}

/// The permutation symmetry of a network as one table: group → size → the (tensor, axis) pairs it
/// permutes (the structure of Git Re-Basin's `PermutationSpec`, Ainsworth et al. 2023), validated
/// against a parameter layout on construction.
///
/// Derived from a ``Network`` through its weight-space table (``ChannelSpaces``,
/// `docs/math/layer-graph.md §5`), never written by hand: one group per free channel space — the
/// hidden units of a Linear layer, the channels of a convolution with the norms and pools carrying
/// them, a whole residual stream (an Add merges the spaces of its inputs) — permuting the rows of
/// every tensor living in the space (weights, biases, norm scales and shifts, running statistics)
/// and the column blocks of every weight reading it. The network's input and output spaces are fixed.
/// Elementwise maps, per-channel norms and pools commute with the permutation, so
/// f(x; π(θ)) = f(x; θ) for every π (docs/math/symmetry.md §2). For a dense chain this is the
/// classical spec: every dense layer except the last opens a group, a residual stream is one group.
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

    /// A spec from explicit groups, validated against `layout` and against `network`'s weight-space
    /// table (``validate(against:)``): every axis living in a free space is permuted, by one group
    /// per space, and none living in a fixed one.
    public init(groups: [PermutationGroup], network: Network) throws(AlignmentError) {
        self.groups = groups
        layout = network.layout
        // The table's verdict first: it names the space an axis belongs to.
        try validate(against: network)
        try validate(layout)
    }

    /// The spec of `network` (see the type's documentation). O(nodes + tensors).
    public init(network: Network) throws(AlignmentError) {
        let spaces = ChannelSpaces(network.plan)
        var axes: [Int: [PermutedAxis]] = [:]
        for t in spaces.tensors {
            if let r = t.rowSpace, spaces.spaces[r].isFree {
                axes[r, default: []].append(PermutedAxis(tensor: t.tensor.name, axis: 0))
            }
            if let c = t.columnSpace, spaces.spaces[c].isFree {
                axes[c, default: []].append(PermutedAxis(tensor: t.tensor.name, axis: 1, block: t.columnBlock))
            }
        }
        let groups = spaces.freeSpaces.map { space in
            PermutationGroup(name: space.name, size: space.size, axes: axes[space.id] ?? [], space: space.id)
        }
        try self.init(groups: groups, layout: network.layout)
    }

    /// Checks the spec against `network`'s weight-space table: each group's axes are exactly those
    /// of one free channel space (no axis of a free space left out, none of the input's or output's
    /// space permuted, no group spanning two spaces). O(tensors).
    ///
    /// - Throws: ``AlignmentError/uncoveredAxis(tensor:axis:)`` for an unlabelled axis,
    ///   ``AlignmentError/fixedAxisPermuted(tensor:axis:space:)`` for a labelled fixed one,
    ///   ``AlignmentError/groupSpansSpaces(group:tensors:)`` when one group mixes spaces.
    public func validate(against network: Network) throws(AlignmentError) {
        let spaces = ChannelSpaces(network.plan)
        var home: [PermutedAxis: Int] = [:]
        for t in spaces.tensors {
            if let r = t.rowSpace { home[PermutedAxis(tensor: t.tensor.name, axis: 0)] = r }
            if let c = t.columnSpace { home[PermutedAxis(tensor: t.tensor.name, axis: 1)] = c }
        }
        var covered: Set<PermutedAxis> = []
        for g in groups {
            var space: Int?
            for a in g.axes {
                let key = PermutedAxis(tensor: a.tensor, axis: a.axis)
                // Unknown tensors are the layout check's to name.
                guard network.layout.tensor(named: a.tensor) != nil else { continue }
                guard let s = home[key], spaces.spaces[s].isFree else {
                    let owner = home[key].map { spaces.spaces[$0].name } ?? "none (the axis carries no channel space)"
                    throw .fixedAxisPermuted(tensor: a.tensor, axis: a.axis, space: owner)
                }
                if let space, space != s {
                    throw .groupSpansSpaces(
                        group: g.name, tensors: [spaces.spaces[space].name, spaces.spaces[s].name])
                }
                space = s
                covered.insert(key)
            }
        }
        for t in spaces.tensors {
            for (axis, s) in [(0, t.rowSpace), (1, t.columnSpace)] {
                if let s, spaces.spaces[s].isFree, !covered.contains(PermutedAxis(tensor: t.tensor.name, axis: axis)) {
                    throw .uncoveredAxis(tensor: t.tensor.name, axis: axis)
                }
            }
        }
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
                guard a.axis >= 0, a.axis < Swift.min(spec.shape.count, 2) else {
                    throw .missingAxis(group: g.name, tensor: a.tensor, axis: a.axis, shape: spec.shape)
                }
                // Axis 1 is the rest of the tensor, `block` entries per unit.
                let axisSize = a.axis == 0 ? spec.shape[0] : spec.shape.dropFirst().reduce(1, *) / Swift.max(a.block, 1)
                guard a.block >= 1, axisSize == g.size,
                    a.axis == 0 || spec.shape.dropFirst().reduce(1, *) == g.size * a.block
                else {
                    throw .sizeMismatch(
                        group: g.name, tensor: a.tensor, axis: a.axis, axisSize: axisSize, groupSize: g.size)
                }
                let key = PermutedAxis(tensor: a.tensor, axis: a.axis)
                if let other = seen[key] {
                    throw .axisPermutedTwice(tensor: a.tensor, axis: a.axis, groups: [other, g.name])
                }
                seen[key] = g.name
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
        for g in groups { for a in g.axes { map[PermutedAxis(tensor: a.tensor, axis: a.axis)] = g.name } }
        return map
    }

    /// The number of scalar parameters the spec permutes and a one-line summary per group.
    public var summary: String {
        groups.map { g in "\(g.name) (\(g.size) units, \(g.axes.count) axes)" }.joined(separator: "; ")
    }
}
