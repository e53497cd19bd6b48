/// BatchNorm's per-channel reductions over rows of C channels × S positions (``BatchNormKernel``) in
/// Float32, in SIMD lanes: sixteen partial sums per channel instead of one running sum, so additions
/// do not wait on each other (a single running sum is bound by the add latency, one add per 4 cycles,
/// and made BatchNorm a quarter of a ResNet-20 training step). The lanes cover positions i ≡ lane
/// (mod 16) within each row; remainders go to a scalar sum. Summation order differs from a
/// left-to-right loop only in rounding (the pairwise-like split makes it smaller).
/// Cost O(rows·C·S), no allocation.
enum ChannelReductions {
    typealias Lanes = SIMD16<Float>

    /// mean[k] ← Σ x / (rows·S) and m2[k] ← Σ (x − mean)² over channel k's values (two passes).
    @inline(__always)
    static func statistics(
        _ rows: Int, _ c: Int, _ s: Int, _ x: UnsafePointer<Float>, _ mean: UnsafeMutablePointer<Float>,
        _ m2: UnsafeMutablePointer<Float>
    ) {
        let count = Float(rows * s)
        for k in 0..<c {
            var lanes = Lanes()
            var tail: Float = 0
            for n in 0..<rows {
                let v = x + n * c * s + k * s
                var i = 0
                while i &+ 16 <= s {
                    lanes += UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self)
                    i &+= 16
                }
                while i < s {
                    tail += v[i]
                    i &+= 1
                }
            }
            let mu = (lanes.sum() + tail) / count
            let centre = Lanes(repeating: mu)
            lanes = Lanes()
            tail = 0
            for n in 0..<rows {
                let v = x + n * c * s + k * s
                var i = 0
                while i &+ 16 <= s {
                    let d = UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self) - centre
                    lanes += d * d
                    i &+= 16
                }
                while i < s {
                    let d = v[i] - mu
                    tail += d * d
                    i &+= 1
                }
            }
            mean[k] = mu
            m2[k] = lanes.sum() + tail
        }
    }

    /// sum[k] ← Σ dy and sumNormalized[k] ← Σ dy·x̂ over channel k's values.
    @inline(__always)
    static func gradientSums(
        _ rows: Int, _ c: Int, _ s: Int, _ dy: UnsafePointer<Float>, _ normalized: UnsafePointer<Float>,
        _ sum: UnsafeMutablePointer<Float>, _ sumNormalized: UnsafeMutablePointer<Float>
    ) {
        for k in 0..<c {
            var a = Lanes(), b = Lanes()
            var tailA: Float = 0, tailB: Float = 0
            for n in 0..<rows {
                let offset = n * c * s + k * s
                let (g, h) = (dy + offset, normalized + offset)
                var i = 0
                while i &+ 16 <= s {
                    let gv = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
                    a += gv
                    b += gv * UnsafeRawPointer(h + i).loadUnaligned(as: Lanes.self)
                    i &+= 16
                }
                while i < s {
                    tailA += g[i]
                    tailB += g[i] * h[i]
                    i &+= 1
                }
            }
            sum[k] = a.sum() + tailA
            sumNormalized[k] = b.sum() + tailB
        }
    }
}
