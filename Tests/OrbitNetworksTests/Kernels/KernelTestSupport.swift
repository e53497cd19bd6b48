import Testing

@testable import OrbitNumerics

/// Helpers shared by the kernel suites: seeded values, inner products, and central finite differences.
enum KernelTestSupport {
    /// `count` values uniform in [−1, 1) from a fixed seed.
    static func values(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in 2 * generator.nextUnitDouble() - 1 }
    }

    static func inner(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// ∂/∂vᵢ of `loss` at `point` for every i, by central differences with step h:
    /// (L(v + h·eᵢ) − L(v − h·eᵢ)) / 2h, error O(h²).
    static func numericalGradient(_ point: [Double], h: Double = 1e-5, _ loss: ([Double]) -> Double) -> [Double] {
        var v = point
        return (0..<point.count).map { i in
            let saved = v[i]
            v[i] = saved + h
            let plus = loss(v)
            v[i] = saved - h
            let minus = loss(v)
            v[i] = saved
            return (plus - minus) / (2 * h)
        }
    }

    /// Every |aᵢ − bᵢ| ≤ tolerance·(1 + |bᵢ|).
    static func expectClose(
        _ a: [Double], _ b: [Double], tolerance: Double, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
        let worst = zip(a, b).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(what): worst relative error \(worst)", sourceLocation: sourceLocation)
    }
}

/// Runs `body` with mutable pointers to copies of the arrays and returns the arrays afterwards.
func withPointers<T: BLASScalar>(
    _ a: inout [T], _ body: (UnsafeMutablePointer<T>) -> Void
) {
    a.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
