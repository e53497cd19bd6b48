import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

@Suite struct ParameterCombinationTests {
    /// formCombination must give exactly what Σ c_i·P_i gives term by term, for every number of
    /// points, in both precisions, on a vector large enough to be split across threads.
    @Test(arguments: [1, 2, 3, 4, 5])
    func onePassEqualsTheAxpySum(points: Int) throws {
        let network = try Network(parsing: "mlp:300-500-40:relu")  // 170 540 parameters: split across threads
        let ps: [ParameterVector<Double>] = (0..<points).map {
            network.initialParameters(.pytorch, seed: UInt64($0 + 1))
        }
        let c = (0..<points).map { Double($0) * 0.37 - 0.5 }
        var out = ParameterVector<Double>(layout: network.layout, repeating: 42)
        out.formCombination(c, ps)
        let reference = ParameterVector.combination(c, ps)
        let flatOut = out.withUnsafeBufferPointer { Array($0) }
        let flatRef = reference.withUnsafeBufferPointer { Array($0) }
        let worst = zip(flatOut, flatRef).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-15)

        let fs = ps.map { $0.converted(to: Float.self) }
        var outF = ParameterVector<Float>(layout: network.layout)
        outF.formCombination(c.map { Float($0) }, fs)
        let refF = ParameterVector.combination(c.map { Float($0) }, fs)
        let worstF = zip(outF.withUnsafeBufferPointer { Array($0) }, refF.withUnsafeBufferPointer { Array($0) })
            .map { abs($0 - $1) }.max()!
        #expect(worstF <= 1e-6)
    }
}
