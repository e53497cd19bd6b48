import OrbitKit

#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// GEMM through Orbit's generic wrapper against the same `cblas_sgemm` called directly, on the
/// shapes a 784-512-512-512-10 MLP meets (batch × in × out) and a square one. The ratio shows the
/// wrapper's overhead (goal: wrapper ≥ 0.95 of direct).
enum GEMMWorkloads {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (128, 784, 512), (512, 512, 512), (60000, 784, 512), (1024, 1024, 1024),
    ]

    static var all: [Workload] {
        shapes.flatMap { s in
            let flops = 2.0 * Double(s.m) * Double(s.k) * Double(s.n)
            let tag = "\(s.m)x\(s.k)x\(s.n)"
            return [
                Workload(name: "gemm/orbit/\(tag)", flops: flops) {
                    let (a, b, c) = operands(s.m, s.k, s.n)
                    return {
                        a.matrix.withView { av in
                            b.matrix.withView { bv in c.matrix.withMutableView { gemm(av, bv, into: $0) } }
                        }
                    }
                },
                Workload(name: "gemm/openblas-direct/\(tag)", flops: flops) {
                    let (a, b, c) = operands(s.m, s.k, s.n)
                    return {
                        a.matrix.withUnsafeBufferPointer { ap in
                            b.matrix.withUnsafeBufferPointer { bp in
                                c.matrix.withUnsafeMutableBufferPointer { cp in
                                    cblas_sgemm(
                                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.m), Int32(s.n), Int32(s.k),
                                        1,
                                        ap.baseAddress, Int32(s.k), bp.baseAddress, Int32(s.n), 0, cp.baseAddress,
                                        Int32(s.n))
                                }
                            }
                        }
                    }
                },
            ]
        }
    }

    /// A reference box, so the timed closure writes into one preallocated matrix (no copy on write).
    final class Box: @unchecked Sendable {
        var matrix: Matrix<Float>
        init(matrix: Matrix<Float>) { self.matrix = matrix }
    }

    static func operands(_ m: Int, _ k: Int, _ n: Int) -> (Box, Box, Box) {
        var g = SeededGenerator(seed: 1)
        return (
            Box(matrix: .uniform(rows: m, columns: k, in: -1..<1, generator: &g)),
            Box(matrix: .uniform(rows: k, columns: n, in: -1..<1, generator: &g)),
            Box(matrix: Matrix(rows: m, columns: n))
        )
    }
}
