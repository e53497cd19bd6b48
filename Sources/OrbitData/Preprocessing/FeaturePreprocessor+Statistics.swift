import OrbitFormats
import OrbitNumerics

/// Standardisation statistics of the train split: μ and σ (population, divisor n), over all
/// entries or per column. uint8 input is summed exactly in integers; Float input in Double with two
/// passes (mean, then squared deviations), so there is no cancellation. O(n·d) each.
extension FeaturePreprocessor {
    static func scalarStatistics(_ features: RawFeatures) -> StandardizationStatistics {
        switch features {
        case .bytes(let bytes, _, _):
            let counts = histogram(bytes)
            let n = Double(bytes.count)
            guard n > 0 else { return StandardizationStatistics(mean: [0], std: [1]) }
            var sum = 0.0
            for v in 0..<256 { sum += Double(counts[v]) * Double(v) }
            let mean = sum / n / 255
            var squares = 0.0
            for v in 0..<256 where counts[v] > 0 {
                let d = Double(v) / 255 - mean
                squares += Double(counts[v]) * d * d
            }
            return StandardizationStatistics(mean: [mean], std: [safeStd(squares / n)])
        case .floats(let m):
            guard m.count > 0 else { return StandardizationStatistics(mean: [0], std: [1]) }
            // Two passes (mean, then squared deviations) in Double: no cancellation.
            let (mean, squares) = m.withUnsafeBufferPointer { buffer -> (Double, Double) in
                let p = buffer.baseAddress!
                let n = buffer.count
                var sum = 0.0
                var i = 0
                while i < n {
                    sum += Double(p[i])
                    i &+= 1
                }
                let mean = sum / Double(n)
                var squares = 0.0
                i = 0
                while i < n {
                    let d = Double(p[i]) - mean
                    squares += d * d
                    i &+= 1
                }
                return (mean, squares)
            }
            return StandardizationStatistics(mean: [mean], std: [safeStd(squares / Double(m.count))])
        }
    }

    static func perFeatureStatistics(_ features: RawFeatures) -> StandardizationStatistics {
        let rows = features.rows
        let columns = features.columns
        guard rows > 0 else {
            return StandardizationStatistics(
                mean: [Double](repeating: 0, count: columns), std: [Double](repeating: 1, count: columns))
        }
        var mean = [Double](repeating: 0, count: columns)
        var std = [Double](repeating: 1, count: columns)
        switch features {
        case .bytes(let bytes, _, _):
            // Exact integer sums: Σx ≤ 255·n and Σx² ≤ 65025·n fit easily in 64 bits.
            var sums = [UInt64](repeating: 0, count: columns)
            var squares = [UInt64](repeating: 0, count: columns)
            bytes.withUnsafeBytes { raw in
                sums.withUnsafeMutableBufferPointer { s in
                    squares.withUnsafeMutableBufferPointer { q in
                        let (p, s, q) = (
                            raw.baseAddress!.assumingMemoryBound(to: UInt8.self), s.baseAddress!, q.baseAddress!
                        )
                        var i = 0
                        while i < rows {
                            let row = p + i &* columns
                            var j = 0
                            while j < columns {
                                let v = UInt64(row[j])
                                s[j] &+= v
                                q[j] &+= v &* v
                                j &+= 1
                            }
                            i &+= 1
                        }
                    }
                }
            }
            let n = Double(rows)
            for j in 0..<columns {
                let s = Double(sums[j])
                mean[j] = s / n / 255
                // n·Σx² − (Σx)² is exact in Double for n·Σx² < 2⁵³ (n up to ~10⁸ pixels per column).
                std[j] = safeStd((n * Double(squares[j]) - s * s) / (n * n) / (255 * 255))
            }
        case .floats(let m):
            var squares = [Double](repeating: 0, count: columns)
            m.withUnsafeBufferPointer { buffer in
                mean.withUnsafeMutableBufferPointer { mu in
                    squares.withUnsafeMutableBufferPointer { sq in
                        let (p, mu, sq) = (buffer.baseAddress!, mu.baseAddress!, sq.baseAddress!)
                        var i = 0
                        while i < rows {
                            var j = 0
                            while j < columns {
                                mu[j] += Double(p[i &* columns &+ j])
                                j &+= 1
                            }
                            i &+= 1
                        }
                        for j in 0..<columns { mu[j] /= Double(rows) }
                        i = 0
                        while i < rows {
                            var j = 0
                            while j < columns {
                                let d = Double(p[i &* columns &+ j]) - mu[j]
                                sq[j] += d * d
                                j &+= 1
                            }
                            i &+= 1
                        }
                    }
                }
            }
            for j in 0..<columns { std[j] = safeStd(squares[j] / Double(rows)) }
        }
        return StandardizationStatistics(mean: mean, std: std)
    }

    /// Counts of each byte value; per-thread histograms summed in order.
    static func histogram(_ bytes: ByteSlice) -> [UInt64] {
        bytes.withUnsafeBytes { raw -> [UInt64] in
            guard let base = raw.baseAddress, raw.count > 0 else { return [UInt64](repeating: 0, count: 256) }
            let source = SendablePointer(base.assumingMemoryBound(to: UInt8.self))
            let chunks = chunkCount(count: raw.count)
            let partial = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 256 * chunks)
            partial.initialize(repeating: 0)
            defer { partial.deallocate() }
            let out = SendableMutablePointer(partial.baseAddress!)
            parallelChunks(count: raw.count) { c, range in
                // Plain pointers and a while loop: this stays ~3 ns/byte even in debug builds.
                let h = out.pointer + 256 * c
                let p = source.pointer
                var i = range.lowerBound
                let end = range.upperBound
                while i < end {
                    h[Int(p[i])] &+= 1
                    i &+= 1
                }
            }
            return (0..<256).map { v in (0..<chunks).reduce(0) { $0 + partial[256 * $1 + v] } }
        }
    }
}
