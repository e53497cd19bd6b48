import Testing

@testable import OrbitAlignment
@testable import OrbitNetworks
@testable import OrbitNumerics

/// Weight matching on layer graphs with the spec derived from the graph: a planted permutation of
/// every free channel space — conv channels with their BatchNorm, residual streams, blocks after a
/// Flatten — is recovered exactly, and the matched model computes the same function.
@Suite struct GraphWeightMatchingTests {
    @Test(arguments: [
        "cnn:1x8x8-c4-p-c6s2-a-3:relu:bn", "resnet20:w=4:bn:in=1x8x8:out=5", "resnet20:w=4:ln:in=1x8x8:out=5",
        "vgg11:w=0.0625:bn:in=1x32x32:out=4", "cnn:1x8x8-c5-p-c6-3:relu", "resmlp:6-5x2-3:relu",
    ])
    func recoversAPlantedPermutation(_ description: String) throws {
        let network = try Network(parsing: description)
        var g = SeededGenerator(seed: 11)
        var a: ParameterVector<Double> = network.initialParameters(.he, seed: 5)
        a.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += 0.2 * g.nextGaussian() } }
        let spaces = ChannelSpaces(network.plan)
        var planted: [Int: [Int]] = [:]
        for space in spaces.freeSpaces {
            var p = Array(0..<space.size)
            for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            planted[space.id] = p
        }
        let b = spaces.apply(planted, to: a)
        #expect(b.distance(to: a) > 0.1)
        let result = try GraphWeightMatching(seed: 1).match(a, b, network: network)
        let aligned = result.apply(to: b)
        #expect(
            aligned.distance(to: a) < 1e-9 * Swift.max(1, a.norm),
            "not recovered: ‖π(B) − A‖ = \(aligned.distance(to: a))")
        #expect(result.objectiveHistory == result.objectiveHistory.sorted())
        // The matched B is B as a function.
        let x = Matrix<Double>.normal(rows: 4, columns: network.inputSize, generator: &g)
        let ws = NetworkWorkspace<Double>(network: network, capacity: 4, inference: true)
        let fb = x.withView { Matrix(ws.forward(b, inputs: $0)) }
        let fa = x.withView { Matrix(ws.forward(aligned, inputs: $0)) }
        #expect((fa - fb).maxMagnitude() < 1e-10)
    }
}
