import OrbitFormats
import OrbitNumerics

/// Applying statistics: x ↦ (x − μ) / σ after scaling uint8 by 1/255, in one pass.
extension FeaturePreprocessor {
    /// The features scaled and standardised with `statistics` (empty = none; one entry = scalar;
    /// else per feature).
    static func apply(_ statistics: StandardizationStatistics, to features: RawFeatures) -> Matrix<Float> {
        let columns = features.columns
        let perFeature = statistics.mean.count > 1
        func affine(_ j: Int) -> (mean: Double, std: Double) {
            if statistics.mean.isEmpty { return (0, 1) }
            return perFeature ? (statistics.mean[j], statistics.std[j]) : (statistics.mean[0], statistics.std[0])
        }
        switch features {
        case .bytes(let bytes, let rows, _):
            if !perFeature {
                // All 256 outcomes precomputed in Double, rounded once to Float.
                let (mean, std) = affine(0)
                let table = (0..<256).map { Float((Double($0) / 255 - mean) / std) }
                return lookup(bytes, rows: rows, columns: columns, table: table)
            }
            var scale = [Float](repeating: 0, count: columns)
            var shift = [Float](repeating: 0, count: columns)
            for j in 0..<columns {
                let (mean, std) = affine(j)
                scale[j] = Float(1 / (255 * std))
                shift[j] = Float(-mean / std)
            }
            return bytes.withUnsafeBytes { raw in
                scale.withUnsafeBufferPointer { a in
                    shift.withUnsafeBufferPointer { b in
                        Matrix<Float>(rows: rows, columns: columns) { out in
                            guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                            let (q, a, b) = (out.baseAddress!, a.baseAddress!, b.baseAddress!)
                            var i = 0
                            while i < rows {
                                let row = i &* columns
                                var j = 0
                                while j < columns {
                                    q[row &+ j] = Float(p[row &+ j]) * a[j] + b[j]
                                    j &+= 1
                                }
                                i &+= 1
                            }
                        }
                    }
                }
            }
        case .floats(var m):
            if statistics.mean.isEmpty { return m }
            let rows = m.rows
            let means = (0..<columns).map { affine($0).mean }
            let stds = (0..<columns).map { affine($0).std }
            m.withUnsafeMutableBufferPointer { buffer in
                guard let q = buffer.baseAddress else { return }
                var i = 0
                while i < rows {
                    let row = i &* columns
                    var j = 0
                    while j < columns {
                        q[row &+ j] = Float((Double(q[row &+ j]) - means[j]) / stds[j])
                        j &+= 1
                    }
                    i &+= 1
                }
            }
            return m
        }
    }

    private static func lookup(_ bytes: ByteSlice, rows: Int, columns: Int, table: [Float]) -> Matrix<Float> {
        bytes.withUnsafeBytes { raw in
            table.withUnsafeBufferPointer { t in
                Matrix<Float>(rows: rows, columns: columns) { out in
                    guard let base = raw.baseAddress, raw.count > 0 else { return }
                    let source = SendablePointer(base.assumingMemoryBound(to: UInt8.self))
                    let destination = SendableMutablePointer(out.baseAddress!)
                    let tablePointer = SendablePointer(t.baseAddress!)
                    parallelChunks(count: raw.count) { _, range in
                        let (p, q, t) = (source.pointer, destination.pointer, tablePointer.pointer)
                        var i = range.lowerBound
                        let end = range.upperBound
                        while i < end {
                            q[i] = t[Int(p[i])]
                            i &+= 1
                        }
                    }
                }
            }
        }
    }
}
