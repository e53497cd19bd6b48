import Testing

@testable import OrbitAlignment
@testable import OrbitNetworks
@testable import OrbitNumerics

/// Weight matching on layer graphs with the spec derived from the graph: a planted permutation of
/// every free channel space — conv channels with their BatchNorm, residual streams, blocks after a
/// Flatten — is recovered exactly, and the matched model computes the same function.
@Suite struct GraphWeightMatchingTests {
    static let graphs = [
        "cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", "resnet20:w=4:bn:in=1x8x8:out=5", "resnet20:w=4:ln:in=1x8x8:out=5",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4", "cnn:1x8x8-c5-p-c6-3:relu", "resmlp:6-5x2-3:relu",
        "vgg11:w=0.0625:ln:in=1x32x32:out=4",
    ]

    /// A perturbed initialisation (so no two units tie) and a uniformly random permutation of each group.
    static func plantedPair(_ network: Network, spec: PermutationSpec, seed: UInt64) -> (
        a: ParameterVector<Float>, b: ParameterVector<Float>, planted: Permutations
    ) {
        var g = SeededGenerator(seed: seed)
        var a: ParameterVector<Float> = network.initialParameters(.he, seed: 5)
        a.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += Float(0.2 * g.nextGaussian()) } }
        // Running statistics away from (0, 1), so that moving them is checked too.
        for t in network.layout.tensors where t.role == .buffer {
            a.withMutableTensor(t) { v in
                for r in 0..<v.rows { for c in 0..<v.columns { v[r, c] = Float(0.75 + 0.25 * abs(g.nextGaussian())) } }
            }
        }
        let planted = Permutations.random(spec, seed: seed + 1)
        return (a, spec.apply(planted, to: a), planted)
    }

    /// Weight matching's objective ⟨θ_A, π(θ_B)⟩, with its per-tensor memory, equals the Float64 inner
    /// product of θ_A with the permuted θ_B (parameters only) for a sequence of permutations that
    /// revisits earlier ones and moves one group at a time.
    @Test(arguments: ["resnet20:w=4:bn:in=1x8x8:out=5", "cnn:1x8x8-c5-p-c6-3:relu", "mlp:7-9-6-3:relu"])
    func objectiveEqualsTheInnerProductOfThePermutedNetwork(_ description: String) throws {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        let a: ParameterVector<Float> = network.initialParameters(.he, seed: 1)
        let b: ParameterVector<Float> = network.initialParameters(.he, seed: 2)
        var objective = PermutedInnerProduct(spec: spec, a: a, b: b)
        let first = Permutations.random(spec, seed: 3)
        var onlyOne = first.byGroup
        onlyOne[spec.groups[0].name] = Permutations.random(spec, seed: 4).byGroup[spec.groups[0].name]
        for p in [Permutations.identity(spec), first, Permutations(byGroup: onlyOne), first, .identity(spec)] {
            let permuted = spec.apply(p, to: b)
            var expected = 0.0
            for t in network.layout.tensors where t.role == .parameter {
                let x = a.tensor(t.name)!.flat, y = permuted.tensor(t.name)!.flat
                for i in x.indices { expected += Double(x[i]) * Double(y[i]) }
            }
            let value = objective(p)
            #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(value) vs \(expected)")
        }
    }

    @Test(arguments: graphs)
    func recoversAPlantedPermutation(_ description: String) throws {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        #expect(!spec.groups.isEmpty)
        let (a, b, _) = Self.plantedPair(network, spec: spec, seed: 11)
        #expect(b.distance(to: a) > 0.1)
        let result = try WeightMatching(seed: 1).match(a, b, spec: spec)
        let aligned = spec.apply(result.permutations, to: b)
        #expect(aligned == a, "not recovered: ‖π(B) − A‖ = \(aligned.distance(to: a))")
        #expect(result.objectiveHistory == result.objectiveHistory.sorted())
        // The matched B is B as a function (evaluation mode: running statistics moved with their channels).
        var g = SeededGenerator(seed: 3)
        let x = Matrix<Float>.normal(rows: 4, columns: network.inputSize, generator: &g)
        // Relative to the output's size (1e-4: Float32 sums in another order).
        let (checked, _) = try FunctionalEquivalence.applyChecked(
            result.permutations, spec: spec, network: network, to: b, inputs: x)
        #expect(checked == aligned)
        if description.hasPrefix("resnet20") {
            // The bar for ResNets: outputs equal to 1e-5.
            let deviation = try FunctionalEquivalence.largestDeviation(
                network: network, original: b, permuted: aligned, inputs: x)
            #expect(deviation < 1e-5, "largest |Δoutput| \(deviation)")
        }
    }

    /// The derived spec acts as the weight-space table does: π applied through the spec equals π
    /// applied space by space by ``ChannelSpaces``.
    @Test(arguments: graphs)
    func specActsAsTheTable(_ description: String) throws {
        let network = try Network(parsing: description)
        let spec = try PermutationSpec(network: network)
        let spaces = ChannelSpaces(network.plan)
        #expect(spec.groups.map(\.space) == spaces.freeSpaces.map(\.id))
        let p = Permutations.random(spec, seed: 4)
        var bySpace: [Int: [Int]] = [:]
        for g in spec.groups { bySpace[g.space!] = p.byGroup[g.name] }
        let theta: ParameterVector<Float> = network.initialParameters(.he, seed: 2)
        #expect(spec.apply(p, to: theta) == spaces.apply(bySpace, to: theta))
        try spec.validate(against: network)
    }

    /// MergeMany runs on graphs: three planted copies of one model are aligned back onto each other.
    @Test func mergeManyOnAResNet() throws {
        let network = try Network(parsing: "resnet20:w=4:bn:in=1x8x8:out=5")
        let spec = try PermutationSpec(network: network)
        let (a, b, _) = Self.plantedPair(network, spec: spec, seed: 21)
        let c = spec.apply(Permutations.random(spec, seed: 99), to: a)
        let result = try Merging.mergeMany(models: [a, b, c], spec: spec, seed: 3)
        let aligned = zip([a, b, c], result.permutations).map { spec.apply($1, to: $0) }
        #expect(aligned[0] == aligned[1] && aligned[1] == aligned[2])
    }

    /// A spec that leaves an axis of a free space unlabelled, labels an axis of a fixed space, or
    /// mixes two spaces in one group is rejected, naming the tensor.
    @Test func rejectsWrongSpecs() throws {
        let network = try Network(parsing: "resnet20:w=4:bn:in=1x8x8:out=5")
        let spec = try PermutationSpec(network: network)
        let stream = spec.groups[0]
        // The running variance of the stem's BatchNorm left out.
        let dropped = PermutationGroup(
            name: stream.name, size: stream.size, axes: stream.axes.filter { $0.tensor != "bn1.running_var" },
            space: stream.space)
        #expect(throws: AlignmentError.uncoveredAxis(tensor: "bn1.running_var", axis: 0)) {
            try PermutationSpec(groups: [dropped] + spec.groups.dropFirst(), network: network)
        }
        // The classifier's rows are the network's outputs: a fixed space.
        let output = PermutationGroup(
            name: "output", size: 5,
            axes: [PermutedAxis(tensor: "fc.weight", axis: 0), PermutedAxis(tensor: "fc.bias", axis: 0)])
        #expect(throws: AlignmentError.fixedAxisPermuted(tensor: "fc.weight", axis: 0, space: "fc")) {
            try PermutationSpec(groups: spec.groups + [output], network: network)
        }
        // Two spaces of the same size merged into one group.
        let pair = spec.groups.filter { $0.size == 4 }.prefix(2)
        #expect(pair.count == 2)
        let mixed = PermutationGroup(name: "mixed", size: 4, axes: pair.flatMap(\.axes))
        let rest = spec.groups.filter { g in !pair.contains { $0.name == g.name } }
        #expect(throws: AlignmentError.groupSpansSpaces(group: "mixed", tensors: [pair.first!.name, pair.last!.name])) {
            try PermutationSpec(groups: rest + [mixed], network: network)
        }
    }
}
