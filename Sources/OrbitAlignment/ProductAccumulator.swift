/// Σ_k x[k]·y[k] over Float32 vectors, accumulated in Float64 in eight independent lanes (two
/// SIMD4<Double>) plus one scalar for the remainders, so consecutive products never wait on each
/// other's addition. The order of summation differs from a left-to-right loop only in rounding
/// (relative error ≤ n·ε₆₄ either way).
struct ProductAccumulator {
    private var low = SIMD4<Double>()
    private var high = SIMD4<Double>()
    private var scalar = 0.0

    var total: Double { (low + high).sum() + scalar }

    /// Adds Σ_{k<count} x[k]·y[k].
    @inline(__always)
    mutating func add(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        var k = 0
        while k &+ 8 <= count {
            let u = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self)
            let v = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Float>.self)
            low += SIMD4<Double>(u.lowHalf) * SIMD4<Double>(v.lowHalf)
            high += SIMD4<Double>(u.highHalf) * SIMD4<Double>(v.highHalf)
            k &+= 8
        }
        while k < count {
            scalar += Double(x[k]) * Double(y[k])
            k &+= 1
        }
    }

    /// Adds Σ_k x[k]·y[π[k]] (k < π.count).
    @inline(__always)
    mutating func addGathered(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ π: [Int]) {
        π.withUnsafeBufferPointer { p in
            var k = 0
            while k &+ 4 <= p.count {
                let u = SIMD4<Double>(Double(x[k]), Double(x[k &+ 1]), Double(x[k &+ 2]), Double(x[k &+ 3]))
                let v = SIMD4<Double>(
                    Double(y[p[k]]), Double(y[p[k &+ 1]]), Double(y[p[k &+ 2]]), Double(y[p[k &+ 3]]))
                low += u * v
                k &+= 4
            }
            while k < p.count {
                scalar += Double(x[k]) * Double(y[p[k]])
                k &+= 1
            }
        }
    }
}
