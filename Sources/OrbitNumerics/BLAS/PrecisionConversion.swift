/// dst[i] = Target(src[i]) for i < count, specialised for Float ↔ Double.
///
/// The generic `Target(source)` goes through `BinaryFloatingPoint`'s generic initialiser when the
/// caller is not specialised (another module, generic code): a dynamic cast per element, ~50×
/// slower than a conversion instruction. One dispatch per call to concrete loops avoids it.
public func convertElements<Source: BLASScalar, Target: BLASScalar>(
    _ src: UnsafePointer<Source>, into dst: UnsafeMutablePointer<Target>, count: Int
) {
    switch (Precision(Source.self), Precision(Target.self)) {
    case (.float, .float), (.double, .double):
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * MemoryLayout<Source>.stride)
    case (.float, .double):
        let s = src.reinterpreted(as: Float.self), d = dst.reinterpreted(as: Double.self)
        for i in 0..<count { d[i] = Double(s[i]) }
    case (.double, .float):
        let s = src.reinterpreted(as: Double.self), d = dst.reinterpreted(as: Float.self)
        for i in 0..<count { d[i] = Float(s[i]) }
    default:
        for i in 0..<count { dst[i] = Target(src[i]) }
    }
}
