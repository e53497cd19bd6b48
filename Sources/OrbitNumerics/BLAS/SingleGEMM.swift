#if canImport(CDNNL)
    import CDNNL
#endif
#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// Which library computes single-precision GEMM. On Linux with oneDNN (Debian's libdnnl-dev) it is
/// oneDNN's `dnnl_sgemm`: on this project's CPUs it runs AVX-512 kernels where Debian's OpenBLAS
/// 0.3.21 picks its AVX2 (Haswell) ones, 2–2.7× faster single-threaded on the shapes Orbit runs
/// (BENCHMARKS.md, "GEMM backend"); products under 32³ multiply-adds stay with OpenBLAS, whose call costs
/// less. Double precision, GEMV and LAPACK stay with OpenBLAS.
/// `ORBIT_GEMM_BACKEND=openblas` selects OpenBLAS for A/B measurements.
public enum SingleGEMMBackend: String, Sendable {
    case oneDNN = "onednn"
    case openBLAS = "openblas"

    /// The backend of this process (read once).
    public static let current: SingleGEMMBackend = {
        #if canImport(CDNNL)
            if let value = getenv("ORBIT_GEMM_BACKEND"), String(cString: value) == "openblas" { return .openBLAS }
            return .oneDNN
        #else
            return .openBLAS
        #endif
    }()
}

/// C = α·op(A)·op(B) + β·C in row-major Float through ``SingleGEMMBackend/current`` for the calls made
/// with one BLAS thread (inside a part of a split minibatch, ``Threading/withSingleThreadedBLAS(when:_:)``,
/// where Orbit's hot GEMMs run); multi-threaded calls stay with OpenBLAS, so two thread pools never
/// compete for the cores.
@usableFromInline
func singleGEMM(
    _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>,
    lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    #if canImport(CDNNL)
        // Below 32³ multiply-adds OpenBLAS's lighter call wins; and only single-threaded calls (each
        // part of a split batch, or --threads 1) go to oneDNN: a multi-threaded one would wake an
        // OpenMP team whose spinning threads then starve OpenBLAS's own (weight matching ran 2.4×
        // slower so) — BENCHMARKS.md, "GEMM backend".
        if SingleGEMMBackend.current == .oneDNN, m * n * k >= 32_768, BLASBackend.threads == 1 {
            omp_set_num_threads(1)
            let status = dnnl_sgemm(
                transA == .none ? 78 : 84, transB == .none ? 78 : 84, Int64(m), Int64(n), Int64(k), alpha, a,
                Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
            precondition(status == dnnl_success, "dnnl_sgemm failed (status \(status.rawValue)) for \(m)×\(n)×\(k)")
            return
        }
    #endif
    cblas_sgemm(
        CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
        beta, c, Int32(ldc))
}
