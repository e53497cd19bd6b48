import OrbitNetworks
import OrbitNumerics

/// One permutation per group of a ``PermutationSpec``.
///
/// Convention (Git Re-Basin's `take`): along every axis of group g, entry r of the permuted tensor is
/// entry `byGroup[g][r]` of the original — P has a 1 at (r, π[r]), and W ↦ P_out · W · P_inᵀ.
public struct Permutations: Sendable, Equatable {
    public var byGroup: [String: [Int]]

    public init(byGroup: [String: [Int]]) { self.byGroup = byGroup }

    /// The identity of every group of `spec`.
    public static func identity(_ spec: PermutationSpec) -> Permutations {
        Permutations(byGroup: Dictionary(uniqueKeysWithValues: spec.groups.map { ($0.name, Array(0..<$0.size)) }))
    }

    /// π⁻¹ group by group: applying `p` then `p.inverse` is the identity.
    public var inverse: Permutations {
        Permutations(
            byGroup: byGroup.mapValues { p in
                var inv = [Int](repeating: 0, count: p.count)
                for (r, s) in p.enumerated() { inv[s] = r }
                return inv
            })
    }

    /// π ∘ σ: applying `σ` first, then `self` (apply(self, apply(σ, θ)) = apply(self ∘ σ, θ)).
    public func composed(after sigma: Permutations) -> Permutations {
        var out = byGroup
        for (g, p) in byGroup {
            if let s = sigma.byGroup[g] { out[g] = p.map { s[$0] } }
        }
        for (g, s) in sigma.byGroup where out[g] == nil { out[g] = s }
        return Permutations(byGroup: out)
    }

    /// Checks that every group of `spec` has a permutation of 0..<size.
    public func validate(for spec: PermutationSpec) throws(AlignmentError) {
        for g in spec.groups {
            guard let p = byGroup[g.name] else { throw .invalidPermutation(group: g.name, reason: "missing") }
            guard p.count == g.size else {
                throw .invalidPermutation(group: g.name, reason: "\(p.count) entries for \(g.size) units")
            }
            var seen = [Bool](repeating: false, count: p.count)
            for v in p {
                guard v >= 0, v < p.count, !seen[v] else {
                    throw .invalidPermutation(group: g.name, reason: "not a permutation of 0..<\(g.size) (entry \(v))")
                }
                seen[v] = true
            }
        }
    }

    /// A uniformly random permutation of every group, drawn group by group in the spec's order from one
    /// generator seeded with `seed` (``fisherYatesPermutation(count:using:)``, whose algorithm is ours
    /// and fixed, so a seed gives the same permutations on every toolchain).
    public static func random(_ spec: PermutationSpec, seed: UInt64) -> Permutations {
        var generator = SeededGenerator(seed: seed)
        return Permutations(
            byGroup: Dictionary(
                uniqueKeysWithValues: spec.groups.map {
                    ($0.name, fisherYatesPermutation(count: $0.size, using: &generator))
                }))
    }

    /// The number of units each group moves (0 for the identity).
    public func movedUnits() -> [String: Int] {
        byGroup.mapValues { p in p.enumerated().filter { $0.offset != $0.element }.count }
    }
}

extension PermutationSpec {
    /// Every tensor of the layout with an axis in the spec, with `p`'s permutations.
    func tensorPermutations(_ p: Permutations) -> [TensorPermutation] {
        var byTensor: [String: (row: [Int]?, column: [Int]?, block: Int)] = [:]
        for g in groups {
            guard let perm = p.byGroup[g.name] else { preconditionFailure("no permutation for group \(g.name)") }
            precondition(perm.count == g.size, "permutation of \(perm.count) for group \(g.name) of \(g.size)")
            for a in g.axes {
                var entry = byTensor[a.tensor] ?? (nil, nil, 1)
                if a.axis == 0 { entry.row = perm } else { (entry.column, entry.block) = (perm, a.block) }
                byTensor[a.tensor] = entry
            }
        }
        return layout.tensors.compactMap { spec in
            byTensor[spec.name].map {
                TensorPermutation(tensor: spec, rowPermutation: $0.row, columnPermutation: $0.column, block: $0.block)
            }
        }
    }

    /// π(θ): every permuted axis of every tensor reordered by its group's permutation (see
    /// ``Permutations``): row r ← row π[r]; column block c ← block π[c]. Tensors and axes outside the
    /// spec are copied unchanged. Cost O(P) for P parameters. Precondition: `p` is valid for the spec
    /// (``Permutations/validate(for:)``) and θ has the spec's layout.
    public func apply<Scalar: BLASScalar>(_ p: Permutations, to θ: ParameterVector<Scalar>) -> ParameterVector<Scalar> {
        precondition(θ.layout == layout, "parameters do not have the permutation spec's layout")
        return θ.permuted(tensorPermutations(p))
    }
}
