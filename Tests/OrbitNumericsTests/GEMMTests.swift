import Testing

@testable import OrbitNumerics

/// GEMM through Orbit's wrapper against a naive triple loop in Double, for every transpose
/// combination, odd shapes, strided views, α/β, in Float and Double.
@Suite struct GEMMTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (3, 5, 7), (17, 1, 9), (33, 65, 31), (64, 64, 64), (2, 129, 3), (0, 4, 3), (4, 0, 3),
    ]
    static let transposes: [(Transpose, Transpose)] = [
        (.none, .none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed),
    ]

    func naive<T: BLASScalar>(
        _ a: Matrix<T>, _ ta: Transpose, _ b: Matrix<T>, _ tb: Transpose, alpha: Double, beta: Double, c: Matrix<T>
    ) -> Matrix<Double> {
        let opA = ta == .none ? a : a.transposed()
        let opB = tb == .none ? b : b.transposed()
        var out = Matrix<Double>(rows: opA.rows, columns: opB.columns)
        for i in 0..<opA.rows {
            for j in 0..<opB.columns {
                var s = 0.0
                for p in 0..<opA.columns { s += Double(opA[i, p]) * Double(opB[p, j]) }
                out[i, j] = alpha * s + beta * Double(c[i, j])
            }
        }
        return out
    }

    func check<T: BLASScalar>(_: T.Type, tolerance: Double) {
        var seed: UInt64 = 1
        for s in Self.shapes {
            for (ta, tb) in Self.transposes {
                seed += 1
                let a: Matrix<T> = ta == .none ? randomMatrix(s.m, s.k, seed: seed) : randomMatrix(s.k, s.m, seed: seed)
                let b: Matrix<T> =
                    tb == .none ? randomMatrix(s.k, s.n, seed: seed + 100) : randomMatrix(s.n, s.k, seed: seed + 100)
                let c0: Matrix<T> = randomMatrix(s.m, s.n, seed: seed + 200)
                for (alpha, beta) in [(1.0, 0.0), (-0.5, 2.0)] {
                    var c = c0
                    a.withView { av in
                        b.withView { bv in
                            c.withMutableView {
                                gemm(av, bv, into: $0, transposeA: ta, transposeB: tb, alpha: T(alpha), beta: T(beta))
                            }
                        }
                    }
                    let expected = naive(a, ta, b, tb, alpha: alpha, beta: beta, c: c0)
                    let err =
                        s.m * s.n == 0
                        ? 0 : relativeError(c.converted(to: Double.self), expected) / Double(max(s.k, 1)).squareRoot()
                    #expect(err <= tolerance, "\(T.self) \(s) \(ta) \(tb) α=\(alpha) β=\(beta): error \(err)")
                }
            }
        }
    }

    @Test func floatMatchesNaive() { check(Float.self, tolerance: 1e-5) }
    @Test func doubleMatchesNaive() { check(Double.self, tolerance: 1e-13) }

    @Test func stridedViewsMultiplyBlocksInPlace() {
        // C[1..<4, 2..<6] ← A[0..<3, 1..<6] · B[2..<7, 0..<4], all views into larger matrices.
        let big: Matrix<Double> = randomMatrix(8, 9, seed: 7)
        let bigB: Matrix<Double> = randomMatrix(9, 5, seed: 8)
        var bigC = Matrix<Double>(rows: 6, columns: 7, repeating: 42)
        big.withView { a in
            bigB.withView { b in
                bigC.withMutableView { c in
                    gemm(
                        a.submatrix(rows: 0..<3, columns: 1..<6), b.submatrix(rows: 2..<7, columns: 0..<4),
                        into: c.submatrix(rows: 1..<4, columns: 2..<6))
                }
            }
        }
        let expected = big.submatrix(rows: 0..<3, columns: 1..<6) * bigB.submatrix(rows: 2..<7, columns: 0..<4)
        #expect(relativeError(bigC.submatrix(rows: 1..<4, columns: 2..<6), expected) < 1e-14)
        #expect(bigC[0, 0] == 42 && bigC[4, 2] == 42 && bigC[1, 1] == 42, "entries outside the block are untouched")
    }

    @Test func gemvAndLevelOneAgreeWithLoops() {
        let a: Matrix<Float> = randomMatrix(7, 5, seed: 3)
        let x: [Float] = (0..<5).map { Float($0) - 2 }
        let y = a.multiplied(by: x)
        for i in 0..<7 {
            let expected = (0..<5).reduce(Float(0)) { $0 + a[i, $1] * x[$1] }
            #expect(abs(y[i] - expected) < 1e-5)
        }
        let yt = a.multiplied(by: y, transpose: .transposed)
        for j in 0..<5 {
            let expected = (0..<7).reduce(Float(0)) { $0 + a[$1, j] * y[$1] }
            #expect(abs(yt[j] - expected) < 1e-4 * max(1, abs(expected)))
        }
        var u: [Double] = [1, 2, 3], v: [Double] = [4, -5, 6]
        u.withUnsafeBufferPointer { ub in
            #expect(v.withUnsafeBufferPointer { dot(ub, $0) } == 12)
            #expect(abs(nrm2(ub) - 14.0.squareRoot()) < 1e-15)
            v.withUnsafeMutableBufferPointer { axpy(2, ub, $0) }
        }
        #expect(v == [6, -1, 12])
        u.withUnsafeMutableBufferPointer { scal(-2, $0) }
        #expect(u == [-2, -4, -6])
    }

    /// β = 0 means C is not read: NaN left in C (an uninitialised workspace) must not leak into the
    /// product, whichever library computes it (oneDNN's dnnl_sgemm or OpenBLAS).
    @Test func betaZeroIgnoresGarbageInC() {
        let a: Matrix<Float> = randomMatrix(37, 19, seed: 5)
        let b: Matrix<Float> = randomMatrix(19, 23, seed: 6)
        var c = Matrix<Float>(rows: 37, columns: 23, repeating: .nan)
        a.withView { av in b.withView { bv in c.withMutableView { gemm(av, bv, into: $0) } } }
        let expected = naive(a, .none, b, .none, alpha: 1, beta: 0, c: Matrix<Float>(rows: 37, columns: 23))
        var worst = 0.0
        for i in 0..<37 { for j in 0..<23 { worst = max(worst, abs(Double(c[i, j]) - expected[i, j])) } }
        #expect(worst < 1e-4, "\(SingleGEMMBackend.current): largest error \(worst)")
    }
}
