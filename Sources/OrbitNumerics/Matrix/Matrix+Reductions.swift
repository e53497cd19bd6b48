/// Reductions over all entries. Sums accumulate in `Double` within each chunk and chunks are
/// combined in order, so the result does not depend on scheduling, and summing 47 M Float32 values
/// does not drift the way a Float accumulator does (docs/numerics-measurements.md §1).
extension Matrix {
    /// Σ f(a_ij), accumulated in Double.
    @inlinable
    public func sum(costPerElement: Int = 1, of transform: @Sendable (Scalar) -> Double) -> Double {
        withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            let p = SendablePointer(base)
            let chunks = chunkCount(count: buffer.count, costPerElement: costPerElement)
            let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: chunks)
            defer { partial.deallocate() }
            let out = SendableMutablePointer(partial.baseAddress!)
            parallelChunks(count: buffer.count, costPerElement: costPerElement) { c, range in
                // Four accumulators break the add dependency chain and keep rounding error low.
                var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                var i = range.lowerBound
                while i + 4 <= range.upperBound {
                    s0 += transform(p.pointer[i])
                    s1 += transform(p.pointer[i + 1])
                    s2 += transform(p.pointer[i + 2])
                    s3 += transform(p.pointer[i + 3])
                    i += 4
                }
                while i < range.upperBound {
                    s0 += transform(p.pointer[i])
                    i += 1
                }
                out.pointer[c] = (s0 + s1) + (s2 + s3)
            }
            return partial.reduce(0, +)
        }
    }

    /// Σ a_ij.
    public func sum() -> Double { sum { Double($0) } }

    /// The mean of the entries (0 for an empty matrix).
    public func mean() -> Double { count == 0 ? 0 : sum() / Double(count) }

    /// Σ a_ij².
    public func sumOfSquares() -> Double { sum { Double($0) * Double($0) } }

    /// The largest entry, or nil for an empty matrix. NaN entries are ignored.
    public func max() -> Scalar? { extremum(>) }

    /// The smallest entry, or nil for an empty matrix. NaN entries are ignored.
    public func min() -> Scalar? { extremum(<) }

    /// The largest |a_ij|.
    public func maxMagnitude() -> Scalar { withUnsafeBufferPointer { $0.reduce(0) { Swift.max($0, abs($1)) } } }

    /// Whether every entry is finite.
    public var isFinite: Bool { firstNonFinite() == nil }

    /// The (row, column) of the first NaN or ±∞ entry, if any.
    public func firstNonFinite() -> (row: Int, column: Int)? {
        withUnsafeBufferPointer { buffer in
            guard let index = buffer.firstIndex(where: { !$0.isFinite }) else { return nil }
            return (index / Swift.max(columns, 1), index % Swift.max(columns, 1))
        }
    }

    private func extremum(_ better: (Scalar, Scalar) -> Bool) -> Scalar? {
        withUnsafeBufferPointer { buffer in
            var best: Scalar?
            for x in buffer where !x.isNaN {
                if let b = best { if better(x, b) { best = x } } else { best = x }
            }
            return best
        }
    }
}
