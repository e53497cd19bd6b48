import OrbitNetworks
import OrbitNumerics

/// The permutation symmetry of any layer graph (`docs/math/layer-graph.md §5`): one permutation
/// π_s per free channel space s of ``ChannelSpaces`` — the hidden units of a Linear layer, the
/// channels of a convolution together with the BatchNorm, LayerNorm and pooling that carry them,
/// and for a residual stream every layer writing into it at once. Rows of the tensors living in s
/// and column blocks of the tensors reading s are reordered by π_s; buffers (running statistics)
/// move with their channels. For dense chains this is ``PermutationAction``. Cost: O(P) copies.
public struct GraphPermutationAction: SymmetryAction, Sendable {
    public let network: Network
    public let spaces: ChannelSpaces
    /// π_s for each free space (by space id); identity elsewhere.
    public let permutations: [Int: [Int]]

    public init(network: Network, permutations: [Int: [Int]]) throws(SymmetryError) {
        let spaces = ChannelSpaces(network.plan)
        for (id, p) in permutations {
            guard id >= 0, id < spaces.spaces.count, spaces.spaces[id].isFree else {
                throw .invalidGroupElement(layer: id, reason: "space \(id) is not a free channel space")
            }
            guard p.sorted() == Array(0..<spaces.spaces[id].size) else {
                throw .invalidGroupElement(
                    layer: id, reason: "not a permutation of the \(spaces.spaces[id].size) units of space \(id)")
            }
        }
        self.network = network
        self.spaces = spaces
        self.permutations = permutations
    }

    /// A uniformly random permutation of every free space.
    public static func random(network: Network, seed: UInt64) throws(SymmetryError) -> GraphPermutationAction {
        var g = SeededGenerator(seed: seed)
        var permutations: [Int: [Int]] = [:]
        for space in ChannelSpaces(network.plan).freeSpaces {
            var p = Array(0..<space.size)
            for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            permutations[space.id] = p
        }
        return try GraphPermutationAction(network: network, permutations: permutations)
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        guard theta.layout == network.layout else {
            throw .invalidGroupElement(layer: 0, reason: "the parameters do not have the network's layout")
        }
        return spaces.apply(permutations, to: theta)
    }
}
