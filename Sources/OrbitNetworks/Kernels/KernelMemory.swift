import OrbitNumerics

/// Memory fills for the kernels that stay fast in unspecialised generic code.
enum KernelMemory {
    /// p[0..<count] ← 0 as a byte fill: `update(repeating:)` on a generic pointer, called from code that
    /// is not specialised (another module's generic caller), runs one value-witness call per element.
    @inline(__always)
    static func zero<Scalar: BLASScalar>(_ p: UnsafeMutablePointer<Scalar>, count: Int) {
        UnsafeMutableRawPointer(p).initializeMemory(
            as: UInt8.self, repeating: 0, count: count * MemoryLayout<Scalar>.stride)
    }

    /// Each of the `planes` consecutive blocks of `length` values ← its own value from `values`
    /// (a per-channel bias broadcast over the H·W positions of a channel).
    static func broadcast<Scalar: BLASScalar>(
        _ values: UnsafePointer<Scalar>, planes: Int, length: Int, into p: UnsafeMutablePointer<Scalar>
    ) {
        switch Precision(Scalar.self) {
        case .float:
            broadcastKernel(values.reinterpreted(as: Float.self), planes, length, p.reinterpreted(as: Float.self))
        case .double:
            broadcastKernel(values.reinterpreted(as: Double.self), planes, length, p.reinterpreted(as: Double.self))
        case .other: broadcastKernel(values, planes, length, p)
        }
    }

    @inline(__always)
    private static func broadcastKernel<T: BLASScalar>(
        _ values: UnsafePointer<T>, _ planes: Int, _ length: Int, _ p: UnsafeMutablePointer<T>
    ) {
        for c in 0..<planes {
            let (v, row) = (values[c], p + c * length)
            for i in 0..<length { row[i] = v }
        }
    }
}
