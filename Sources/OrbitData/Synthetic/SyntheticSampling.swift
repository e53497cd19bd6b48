import OrbitNumerics

/// Shared pieces of the synthetic generators. Every generator draws from one ``SeededGenerator``
/// in a fixed, documented order, so a seed fixes the data set on every platform and thread count.
enum SyntheticSampling {
    /// Y = X·Qᵀ + noise·E with E standard normal: row i of Y is Q·xᵢ. Accumulated in Double in a
    /// fixed order (not BLAS), so the result does not depend on the thread count. O(n·k·d).
    static func linearTargets(
        _ x: Matrix<Float>, teacher q: Matrix<Float>, noise: Double, generator: inout SeededGenerator
    ) -> Matrix<Float> {
        precondition(q.columns == x.columns, "teacher is \(q.shapeDescription) for \(x.columns) features")
        let n = x.rows
        let d = x.columns
        let k = q.rows
        var y = Matrix<Float>(rows: n, columns: k)
        x.withUnsafeBufferPointer { xs in
            q.withUnsafeBufferPointer { qs in
                y.withUnsafeMutableBufferPointer { ys in
                    for i in 0..<n {
                        for r in 0..<k {
                            var s = 0.0
                            for j in 0..<d { s += Double(qs[r * d + j]) * Double(xs[i * d + j]) }
                            ys[i * k + r] = Float(s)
                        }
                    }
                }
            }
        }
        if noise != 0 {
            y.withUnsafeMutableBufferPointer { ys in
                for i in 0..<ys.count { ys[i] = Float(Double(ys[i]) + noise * generator.nextGaussian()) }
            }
        }
        return y
    }

    /// A uniform integer in 0..<k (Lemire's multiply-high; bias ≤ k/2⁶⁴).
    static func uniformInteger(below k: Int, generator: inout SeededGenerator) -> Int {
        Int(UInt64(k).multipliedFullWidth(by: generator.next()).high)
    }

    /// Provenance entries common to all generators.
    static func provenance(spec: String, seed: UInt64, train: Int, test: Int) -> [String: String] {
        ["source": spec, "seed": String(seed), "train.samples": String(train), "test.samples": String(test)]
    }
}
