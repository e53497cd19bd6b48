import OrbitNetworks
import OrbitNumerics

/// The elementwise passes of one centre-finding step (forming arm points, adding scaled gradients,
/// the penalty), each dispatched once per call to code specialised for Float or Double (CONTRIBUTING:
/// hot elementwise kernels). They run on the calling thread: ``CentreGradientEngine`` calls them from
/// the thread that owns each part of the minibatch. Memory-bound: O(n) each.
enum CentreKernels {
    /// out ← t·centre + (1 − t)·foot outside `skipping` (entries inside it are left as they are).
    static func interpolate<Scalar: BLASScalar>(
        centre: ParameterVector<Scalar>, foot: ParameterVector<Scalar>, t: Double,
        into out: inout ParameterVector<Scalar>, skipping: Range<Int>
    ) {
        centre.withUnsafeBufferPointer { c in
            foot.withUnsafeBufferPointer { f in
                out.withUnsafeMutableBufferPointer { o in
                    let cb = c.baseAddress!, fb = f.baseAddress!, ob = o.baseAddress!
                    combine(cb, fb, into: ob, count: skipping.lowerBound, t: t)
                    let upper = skipping.upperBound
                    combine(cb + upper, fb + upper, into: ob + upper, count: o.count - upper, t: t)
                }
            }
        }
    }

    /// o ← t·c + (1 − t)·f over `count` entries, on the calling thread.
    static func combine<Scalar: BLASScalar>(
        _ c: UnsafePointer<Scalar>, _ f: UnsafePointer<Scalar>, into o: UnsafeMutablePointer<Scalar>, count: Int,
        t: Double
    ) {
        switch Precision(Scalar.self) {
        case .float:
            lerp(
                0..<count, c.reinterpreted(as: Float.self), f.reinterpreted(as: Float.self),
                o.reinterpreted(as: Float.self), Float(t))
        case .double:
            lerp(
                0..<count, c.reinterpreted(as: Double.self), f.reinterpreted(as: Double.self),
                o.reinterpreted(as: Double.self), t)
        case .other: lerp(0..<count, c, f, o, Scalar(t))
        }
    }

    /// o ← (overwrite ? 0 : o) + s·g over `count` entries, on the calling thread.
    static func scaledAdd<Scalar: BLASScalar>(
        _ g: UnsafePointer<Scalar>, into o: UnsafeMutablePointer<Scalar>, count: Int, scale s: Double, overwrite: Bool
    ) {
        switch Precision(Scalar.self) {
        case .float:
            axpy2(0..<count, g.reinterpreted(as: Float.self), nil, o.reinterpreted(as: Float.self), Float(s), overwrite)
        case .double:
            axpy2(0..<count, g.reinterpreted(as: Double.self), nil, o.reinterpreted(as: Double.self), s, overwrite)
        case .other: axpy2(0..<count, g, nil, o, Scalar(s), overwrite)
        }
    }

    /// g ← g + s·(centre − foot) (the penalty's gradient, s = 2λ/B_r); returns ‖centre − foot‖² in Float64,
    /// both over the parameters only (the layout's prefix; buffers are not optimised).
    @discardableResult
    static func addDifference<Scalar: BLASScalar>(
        centre: ParameterVector<Scalar>, foot: ParameterVector<Scalar>, scale s: Double,
        into g: inout ParameterVector<Scalar>
    ) -> Double {
        centre.withUnsafeBufferPointer { c in
            foot.withUnsafeBufferPointer { f in
                g.withUnsafeMutableBufferPointer { out in
                    // Buffers (BatchNorm's running statistics) are not optimised: no penalty on them.
                    let range = 0..<centre.layout.parameterCount
                    switch Precision(Scalar.self) {
                    case .float:
                        return difference(
                            range, c.baseAddress!.reinterpreted(as: Float.self),
                            f.baseAddress!.reinterpreted(as: Float.self),
                            out.baseAddress!.reinterpreted(as: Float.self), Float(s))
                    case .double:
                        return difference(
                            range, c.baseAddress!.reinterpreted(as: Double.self),
                            f.baseAddress!.reinterpreted(as: Double.self),
                            out.baseAddress!.reinterpreted(as: Double.self), s)
                    case .other:
                        return difference(range, c.baseAddress!, f.baseAddress!, out.baseAddress!, Scalar(s))
                    }
                }
            }
        }
    }

    @inline(__always)
    static func difference<T: BLASScalar>(
        _ range: Range<Int>, _ c: UnsafePointer<T>, _ f: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ s: T
    ) -> Double {
        var squared = 0.0
        for i in range {
            let d = c[i] - f[i]
            o[i] += s * d
            let dd = Double(d)
            squared += dd * dd
        }
        return squared
    }

    @inline(__always)
    static func lerp<T: BLASScalar>(
        _ range: Range<Int>, _ c: UnsafePointer<T>, _ f: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>, _ t: T
    ) {
        let u = 1 - t
        for i in range { o[i] = t * c[i] + u * f[i] }
    }

    @inline(__always)
    static func axpy2<T: BLASScalar>(
        _ range: Range<Int>, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>?, _ o: UnsafeMutablePointer<T>, _ s: T,
        _ overwrite: Bool
    ) {
        switch (b, overwrite) {
        case (let b?, true): for i in range { o[i] = s * (a[i] + b[i]) }
        case (let b?, false): for i in range { o[i] += s * (a[i] + b[i]) }
        case (nil, true): for i in range { o[i] = s * a[i] }
        case (nil, false): for i in range { o[i] += s * a[i] }
        }
    }
}
