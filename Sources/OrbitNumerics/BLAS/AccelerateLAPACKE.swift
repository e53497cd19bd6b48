#if canImport(Accelerate)
    import Accelerate

    // Accelerate ships CBLAS but not LAPACKE. This file gives the LAPACKE functions Orbit calls
    // (column-major only, which is all the BLASScalar conformances use) on top of Accelerate's
    // Fortran-style LAPACK, with the workspace queries LAPACKE would make. It is compiled only on
    // Apple platforms; Linux uses Debian's LAPACKE over OpenBLAS.

    let LAPACK_COL_MAJOR: Int32 = 102

    /// Runs a LAPACK routine twice: once with lwork = −1 to learn the optimal workspace, then for real.
    private func withWorkspace<T: BinaryFloatingPoint>(
        _ type: T.Type, _ call: (UnsafeMutablePointer<T>, UnsafeMutablePointer<__CLPK_integer>) -> __CLPK_integer
    ) -> Int32 {
        var query = T(0)
        var lwork: __CLPK_integer = -1
        let info = call(&query, &lwork)
        if info != 0 { return Int32(info) }
        lwork = max(1, __CLPK_integer(query))
        var work = [T](repeating: 0, count: Int(lwork))
        return Int32(call(&work, &lwork))
    }

    private func char(_ c: CChar) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.pointee = c
        return p
    }

    // MARK: getrf / getrs / getri

    func LAPACKE_sgetrf(
        _: Int32, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        var m = m, n = n, lda = lda, info: __CLPK_integer = 0
        sgetrf_(&m, &n, a, &lda, ipiv, &info)
        return info
    }
    func LAPACKE_dgetrf(
        _: Int32, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        var m = m, n = n, lda = lda, info: __CLPK_integer = 0
        dgetrf_(&m, &n, a, &lda, ipiv, &info)
        return info
    }
    func LAPACKE_sgetrs(
        _: Int32, _ trans: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
        _ ipiv: UnsafePointer<Int32>,
        _ b: UnsafeMutablePointer<Float>, _ ldb: Int32
    ) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: __CLPK_integer = 0
        let t = char(trans)
        defer { t.deallocate() }
        sgetrs_(
            t, &n, &nrhs, UnsafeMutablePointer(mutating: a), &lda, UnsafeMutablePointer(mutating: ipiv), b, &ldb, &info)
        return info
    }
    func LAPACKE_dgetrs(
        _: Int32, _ trans: CChar, _ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
        _ ipiv: UnsafePointer<Int32>,
        _ b: UnsafeMutablePointer<Double>, _ ldb: Int32
    ) -> Int32 {
        var n = n, nrhs = nrhs, lda = lda, ldb = ldb, info: __CLPK_integer = 0
        let t = char(trans)
        defer { t.deallocate() }
        dgetrs_(
            t, &n, &nrhs, UnsafeMutablePointer(mutating: a), &lda, UnsafeMutablePointer(mutating: ipiv), b, &ldb, &info)
        return info
    }
    func LAPACKE_sgetri(
        _: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>
    ) -> Int32 {
        var n = n, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Float.self) { work, lwork in
            sgetri_(&n, a, &lda, UnsafeMutablePointer(mutating: ipiv), work, lwork, &info)
            return info
        }
    }
    func LAPACKE_dgetri(
        _: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ ipiv: UnsafePointer<Int32>
    ) -> Int32 {
        var n = n, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Double.self) { work, lwork in
            dgetri_(&n, a, &lda, UnsafeMutablePointer(mutating: ipiv), work, lwork, &info)
            return info
        }
    }

    // MARK: gesdd / syevd

    func LAPACKE_sgesdd(
        _: Int32, _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ s: UnsafeMutablePointer<Float>,
        _ u: UnsafeMutablePointer<Float>?, _ ldu: Int32, _ vt: UnsafeMutablePointer<Float>?, _ ldvt: Int32
    ) -> Int32 {
        var m = m, n = n, lda = lda, ldu = ldu, ldvt = ldvt, info: __CLPK_integer = 0
        var iwork = [__CLPK_integer](repeating: 0, count: 8 * Int(min(m, n)))
        let j = char(jobz)
        defer { j.deallocate() }
        return withWorkspace(Float.self) { work, lwork in
            sgesdd_(j, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, lwork, &iwork, &info)
            return info
        }
    }
    func LAPACKE_dgesdd(
        _: Int32, _ jobz: CChar, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ s: UnsafeMutablePointer<Double>,
        _ u: UnsafeMutablePointer<Double>?, _ ldu: Int32, _ vt: UnsafeMutablePointer<Double>?, _ ldvt: Int32
    ) -> Int32 {
        var m = m, n = n, lda = lda, ldu = ldu, ldvt = ldvt, info: __CLPK_integer = 0
        var iwork = [__CLPK_integer](repeating: 0, count: 8 * Int(min(m, n)))
        let j = char(jobz)
        defer { j.deallocate() }
        return withWorkspace(Double.self) { work, lwork in
            dgesdd_(j, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, lwork, &iwork, &info)
            return info
        }
    }
    func LAPACKE_ssyevd(
        _: Int32, _ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ w: UnsafeMutablePointer<Float>
    ) -> Int32 {
        var n = n, lda = lda, info: __CLPK_integer = 0
        var liwork: __CLPK_integer = max(1, 3 + 5 * n)
        var iwork = [__CLPK_integer](repeating: 0, count: Int(liwork))
        let j = char(jobz), u = char(uplo)
        defer {
            j.deallocate()
            u.deallocate()
        }
        return withWorkspace(Float.self) { work, lwork in
            ssyevd_(j, u, &n, a, &lda, w, work, lwork, &iwork, &liwork, &info)
            return info
        }
    }
    func LAPACKE_dsyevd(
        _: Int32, _ jobz: CChar, _ uplo: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ w: UnsafeMutablePointer<Double>
    ) -> Int32 {
        var n = n, lda = lda, info: __CLPK_integer = 0
        var liwork: __CLPK_integer = max(1, 3 + 5 * n)
        var iwork = [__CLPK_integer](repeating: 0, count: Int(liwork))
        let j = char(jobz), u = char(uplo)
        defer {
            j.deallocate()
            u.deallocate()
        }
        return withWorkspace(Double.self) { work, lwork in
            dsyevd_(j, u, &n, a, &lda, w, work, lwork, &iwork, &liwork, &info)
            return info
        }
    }

    // MARK: geqrf / orgqr

    func LAPACKE_sgeqrf(
        _: Int32, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ tau: UnsafeMutablePointer<Float>
    ) -> Int32 {
        var m = m, n = n, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Float.self) { work, lwork in
            sgeqrf_(&m, &n, a, &lda, tau, work, lwork, &info)
            return info
        }
    }
    func LAPACKE_dgeqrf(
        _: Int32, _ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ tau: UnsafeMutablePointer<Double>
    ) -> Int32 {
        var m = m, n = n, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Double.self) { work, lwork in
            dgeqrf_(&m, &n, a, &lda, tau, work, lwork, &info)
            return info
        }
    }
    func LAPACKE_sorgqr(
        _: Int32, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ tau: UnsafePointer<Float>
    ) -> Int32 {
        var m = m, n = n, k = k, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Float.self) { work, lwork in
            sorgqr_(&m, &n, &k, a, &lda, UnsafeMutablePointer(mutating: tau), work, lwork, &info)
            return info
        }
    }
    func LAPACKE_dorgqr(
        _: Int32, _ m: Int32, _ n: Int32, _ k: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ tau: UnsafePointer<Double>
    ) -> Int32 {
        var m = m, n = n, k = k, lda = lda, info: __CLPK_integer = 0
        return withWorkspace(Double.self) { work, lwork in
            dorgqr_(&m, &n, &k, a, &lda, UnsafeMutablePointer(mutating: tau), work, lwork, &info)
            return info
        }
    }

    // MARK: gees / geev (no sorting, no left eigenvectors)

    func LAPACKE_sgees(
        _: Int32, _ jobvs: CChar, _ sort: CChar, _: OpaquePointer?, _ n: Int32, _ a: UnsafeMutablePointer<Float>,
        _ lda: Int32,
        _ sdim: UnsafeMutablePointer<Int32>, _ wr: UnsafeMutablePointer<Float>, _ wi: UnsafeMutablePointer<Float>,
        _ vs: UnsafeMutablePointer<Float>, _ ldvs: Int32
    ) -> Int32 {
        var n = n, lda = lda, ldvs = ldvs, info: __CLPK_integer = 0
        var bwork = [__CLPK_logical](repeating: 0, count: Int(n))
        let j = char(jobvs), s = char(sort)
        defer {
            j.deallocate()
            s.deallocate()
        }
        return withWorkspace(Float.self) { work, lwork in
            sgees_(j, s, nil, &n, a, &lda, sdim, wr, wi, vs, &ldvs, work, lwork, &bwork, &info)
            return info
        }
    }
    func LAPACKE_dgees(
        _: Int32, _ jobvs: CChar, _ sort: CChar, _: OpaquePointer?, _ n: Int32, _ a: UnsafeMutablePointer<Double>,
        _ lda: Int32,
        _ sdim: UnsafeMutablePointer<Int32>, _ wr: UnsafeMutablePointer<Double>, _ wi: UnsafeMutablePointer<Double>,
        _ vs: UnsafeMutablePointer<Double>, _ ldvs: Int32
    ) -> Int32 {
        var n = n, lda = lda, ldvs = ldvs, info: __CLPK_integer = 0
        var bwork = [__CLPK_logical](repeating: 0, count: Int(n))
        let j = char(jobvs), s = char(sort)
        defer {
            j.deallocate()
            s.deallocate()
        }
        return withWorkspace(Double.self) { work, lwork in
            dgees_(j, s, nil, &n, a, &lda, sdim, wr, wi, vs, &ldvs, work, lwork, &bwork, &info)
            return info
        }
    }
    func LAPACKE_sgeev(
        _: Int32, _ jobvl: CChar, _ jobvr: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
        _ wr: UnsafeMutablePointer<Float>, _ wi: UnsafeMutablePointer<Float>, _ vl: UnsafeMutablePointer<Float>?,
        _ ldvl: Int32,
        _ vr: UnsafeMutablePointer<Float>?, _ ldvr: Int32
    ) -> Int32 {
        var n = n, lda = lda, ldvl = ldvl, ldvr = ldvr, info: __CLPK_integer = 0
        let l = char(jobvl), r = char(jobvr)
        defer {
            l.deallocate()
            r.deallocate()
        }
        return withWorkspace(Float.self) { work, lwork in
            sgeev_(l, r, &n, a, &lda, wr, wi, vl, &ldvl, vr, &ldvr, work, lwork, &info)
            return info
        }
    }
    func LAPACKE_dgeev(
        _: Int32, _ jobvl: CChar, _ jobvr: CChar, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
        _ wr: UnsafeMutablePointer<Double>, _ wi: UnsafeMutablePointer<Double>, _ vl: UnsafeMutablePointer<Double>?,
        _ ldvl: Int32,
        _ vr: UnsafeMutablePointer<Double>?, _ ldvr: Int32
    ) -> Int32 {
        var n = n, lda = lda, ldvl = ldvl, ldvr = ldvr, info: __CLPK_integer = 0
        let l = char(jobvl), r = char(jobvr)
        defer {
            l.deallocate()
            r.deallocate()
        }
        return withWorkspace(Double.self) { work, lwork in
            dgeev_(l, r, &n, a, &lda, wr, wi, vl, &ldvl, vr, &ldvr, work, lwork, &info)
            return info
        }
    }
#endif
