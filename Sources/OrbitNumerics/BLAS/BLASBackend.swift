#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// Facts about the BLAS/LAPACK library Orbit is linked against, and its thread count.
public enum BLASBackend {
    /// A short name of the backend, e.g. `OpenBLAS 0.3.21 … (Cooperlake)`.
    public static var description: String {
        #if canImport(Accelerate)
            return "Accelerate"
        #else
            let config = String(cString: openblas_get_config())
            let core = String(cString: openblas_get_corename())
            return "OpenBLAS (\(config.trimmingCharacters(in: " ")), core \(core)) + LAPACKE"
        #endif
    }

    /// Sets the number of threads BLAS uses for one call.
    static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(count))
        #endif
    }

    /// The number of threads BLAS uses for one call.
    public static var threads: Int {
        #if canImport(Accelerate)
            return Threading.threadCount
        #else
            return Int(openblas_get_num_threads())
        #endif
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

extension Transpose {
    @inlinable var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}
