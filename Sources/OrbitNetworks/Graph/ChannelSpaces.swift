import OrbitNumerics

/// The weight-space table of a graph (Git Re-Basin's permutation spec and mergekit's spaces,
/// derived instead of written): which channel space each axis of each tensor lives in
/// (`docs/math/layer-graph.md §5`).
///
/// Every Linear and Conv2d node opens a space (its output features or channels); norms,
/// activations and pools carry their input's space; an Add merges the spaces of its inputs
/// (union-find: a residual stream is one space); Flatten turns a space of C channels into C blocks
/// of H·W features. A space is *free* — its units can be permuted without changing f — unless it is
/// the network input's or the output's (or merged with one). A permutation π of a free space moves
/// row π[r] of every tensor whose rows live there to row r, and column block π[c] of every tensor
/// whose columns (in blocks of `columnBlock`) live there to block c. O(nodes + tensors) to build.
public struct ChannelSpaces: Sendable {
    /// One space's units: their count and whether they may be permuted.
    public struct Space: Hashable, Sendable {
        public let id: Int
        public let size: Int
        public let isFree: Bool
        /// The nodes that open (or merge into) the space, for messages.
        public let nodes: [String]
        /// The first node (in graph order) opening the space — "input" for the input's.
        public let name: String
    }

    /// How a tensor's matrix view (shape[0] × rest) is indexed by spaces.
    public struct TensorAxes: Hashable, Sendable {
        public let tensor: TensorSpec
        /// The space of the rows (axis 0), if any.
        public let rowSpace: Int?
        /// The space of the columns, in blocks of `columnBlock` consecutive columns per unit.
        public let columnSpace: Int?
        public let columnBlock: Int
    }

    public let spaces: [Space]
    public let tensors: [TensorAxes]
    /// The space of each node's output (by space id) and the block of consecutive features per unit
    /// of a flat output (H·W after a Flatten of C×H×W, else 1; a C×H×W output is C rows of H·W).
    public let nodeOutputs: [(space: Int, block: Int)]

    /// The free spaces (those a permutation may act on), in graph order.
    public var freeSpaces: [Space] { spaces.filter(\.isFree) }

    public init(_ plan: NetworkPlan) {
        // Provisional spaces: 0 is the input; each Linear/Conv2d opens one.
        var parent: [Int] = [0]
        var sizes: [Int] = [plan.inputShape[0]]
        var owners: [[String]] = [["input"]]
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let (ra, rb) = (find(a), find(b))
            if ra != rb { parent[Swift.max(ra, rb)] = Swift.min(ra, rb) }
        }
        // Per node output: (space, block size of a feature vector over that space).
        var output: [(space: Int, block: Int)] = []
        var pending: [(TensorSpec, Int?, Int?, Int)] = []
        let inputBlock = plan.inputShape.count == 3 ? plan.inputShape[1] * plan.inputShape[2] : 1
        for (k, node) in plan.nodes.enumerated() {
            let sources = plan.inputIndices[k].map { $0 < 0 ? (space: 0, block: inputBlock) : output[$0] }
            let tensors = plan.nodeTensors[k]
            switch node.layer {
            case .linear, .conv2d:
                parent.append(parent.count)
                sizes.append(plan.outputShapes[k][0])
                owners.append([node.name])
                let space = parent.count - 1
                let input = sources[0]
                for t in tensors {
                    if t.name.hasSuffix(".weight") {
                        let isConv: Bool
                        if case .conv2d = node.layer { isConv = true } else { isConv = false }
                        // A conv weight's columns are (C, kH, kW); a Linear's are the input features.
                        let block = isConv ? t.shape[2] * t.shape[3] : input.block
                        pending.append((t, space, input.space, block))
                    } else {
                        pending.append((t, space, nil, 1))
                    }
                }
                output.append((space, 1))
            case .add:
                for s in sources.dropFirst() { union(sources[0].space, s.space) }
                output.append(sources[0])
            case .flatten:
                let shape = plan.inputShapes(of: k)[0]
                output.append((sources[0].space, shape.count == 3 ? shape[1] * shape[2] : sources[0].block))
            case .globalAveragePool:
                output.append((sources[0].space, 1))
            case .batchNorm, .layerNorm, .activation, .pool2d:
                for t in tensors { pending.append((t, sources[0].space, nil, 1)) }
                output.append(sources[0])
            }
        }
        let outputSpace = find(output[output.count - 1].space)
        let inputSpace = find(0)
        // Renumber the roots in order of first appearance.
        var ids: [Int: Int] = [:]
        var spaces: [Space] = []
        for s in 0..<parent.count where find(s) == s {
            ids[s] = spaces.count
            let members = (0..<parent.count).filter { find($0) == s }.flatMap { owners[$0] }
            spaces.append(
                Space(
                    id: spaces.count, size: sizes[s], isFree: s != outputSpace && s != inputSpace,
                    nodes: Array(Set(members)).sorted(), name: members[0]))
        }
        self.spaces = spaces
        nodeOutputs = output.map { (ids[find($0.space)]!, $0.block) }
        tensors = pending.map { t, row, column, block in
            TensorAxes(
                tensor: t, rowSpace: row.map { ids[find($0)]! }, columnSpace: column.map { ids[find($0)]! },
                columnBlock: block)
        }
    }

    /// The (rows, columns) view of a tensor as the table indexes it: a vector (bias, γ, β,
    /// statistics) is a column, one row per unit; anything else is shape[0] × the rest.
    public static func matrixView(_ tensor: TensorSpec) -> (rows: Int, columns: Int) {
        tensor.shape.count == 1 ? (tensor.shape[0], 1) : tensor.matrixShape
    }

    /// π(θ): every tensor's rows reordered by the permutation of their space and its column blocks
    /// by that of theirs (row r ← row π[r]; block c ← block π[c]); spaces without a permutation
    /// stay. O(P).
    public func apply<Scalar: BLASScalar>(_ permutations: [Int: [Int]], to theta: ParameterVector<Scalar>)
        -> ParameterVector<Scalar>
    {
        theta.permuted(
            tensors.compactMap { axes in
                let rowPermutation = axes.rowSpace.flatMap { permutations[$0] }
                let columnPermutation = axes.columnSpace.flatMap { permutations[$0] }
                guard rowPermutation != nil || columnPermutation != nil else { return nil }
                return TensorPermutation(
                    tensor: axes.tensor, rowPermutation: rowPermutation, columnPermutation: columnPermutation,
                    block: axes.columnBlock)
            })
    }
}
