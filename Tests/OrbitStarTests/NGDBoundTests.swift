import OrbitNetworks
import OrbitNumerics
import OrbitStar
import Testing

/// The normalised geodesic distance bound of Eq. 8 on constructed vectors.
@Suite struct NGDBoundTests {
    let layout = try! Network(parsing: "linear:2-1").layout

    func vector(_ x: Double, _ y: Double) -> ParameterVector<Double> { ParameterVector(layout: layout, flat: [x, y]) }

    @Test func handComputedValue() throws {
        // a = (0, 0), b = (2, 0), c = (1, 1): (√2 + √2)/2 = √2.
        let bound = try normalizedGeodesicDistanceBound(vector(0, 0), via: vector(1, 1), vector(2, 0))
        #expect(abs(bound - 2.0.squareRoot()) < 1e-15)
        // c = (3, 4) from a = (0, 0) to b = (6, 0): (5 + 5)/6.
        let fold = FoldLine(from: vector(0, 0), via: vector(3, 4), to: vector(6, 0))
        #expect(abs(try fold.normalizedGeodesicDistanceBound() - 10.0 / 6.0) < 1e-15)
        // Float32 inputs are accumulated in Float64.
        let f = try normalizedGeodesicDistanceBound(
            vector(0, 0).converted(to: Float.self), via: vector(3, 4).converted(to: Float.self),
            vector(6, 0).converted(to: Float.self))
        #expect(abs(f - 10.0 / 6.0) < 1e-15)
    }

    @Test func atLeastOneAndOneOnTheSegment() throws {
        var g = SeededGenerator(seed: 3)
        let network = try Network(parsing: "mlp:5-7-3:relu")
        for _ in 0..<20 {
            func random() -> ParameterVector<Double> {
                ParameterVector(
                    layout: network.layout, flat: (0..<network.parameterCount).map { _ in g.nextGaussian() })
            }
            let a = random(), b = random(), c = random()
            #expect(try normalizedGeodesicDistanceBound(a, via: c, b) >= 1)
            let s = g.nextUnitDouble()
            let onSegment = ParameterVector.lerp(a, b, s)
            #expect(abs(try normalizedGeodesicDistanceBound(a, via: onSegment, b) - 1) < 1e-12)
        }
    }

    @Test func coincidentPointsThrow() {
        #expect(throws: StarError.coincidentPoints) {
            _ = try normalizedGeodesicDistanceBound(vector(1, 2), via: vector(0, 0), vector(1, 2))
        }
    }
}
