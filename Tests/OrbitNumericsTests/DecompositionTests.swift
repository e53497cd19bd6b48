import Testing

@testable import OrbitNumerics

@Suite struct DecompositionTests {
    /// det A equals the product of the eigenvalues (complex pairs contribute |λ|²), and its sign
    /// and log|det| agree with that product.
    @Test(arguments: [1, 2, 3, 5, 8, 20])
    func determinantMatchesEigenvalueProduct(n: Int) throws {
        for seed in 0..<4 {
            let a: Matrix<Double> = randomMatrix(n, n, seed: UInt64(100 * n + seed))
            let lu = try LUDecomposition(a)
            let eig = try Eigendecomposition(a, computeEigenvectors: false)
            var product = 1.0
            var j = 0
            while j < n {
                let re = eig.eigenvaluesReal[j], im = eig.eigenvaluesImaginary[j]
                if im != 0 {
                    product *= re * re + im * im
                    j += 2
                } else {
                    product *= re
                    j += 1
                }
            }
            #expect(abs(lu.determinant - product) <= 1e-10 * max(1, abs(product)))
            #expect(lu.determinantSign == (product > 0 ? 1 : -1))
            #expect(abs(lu.logAbsDeterminant - log(abs(product))) < 1e-10)
        }
    }

    @Test func determinantKnownValues() throws {
        // 2·(3·2 − 2·1) − 0 + 1·(1·1 − 3·1) = 6.
        #expect(abs(try Matrix<Double>([[2, 0, 1], [1, 3, 2], [1, 1, 2]]).determinant() - 6) < 1e-14)
        // A row swap flips the sign.
        let swapped = try LUDecomposition(Matrix<Double>([[0, 1], [1, 0]]))
        #expect(swapped.determinantSign == -1 && swapped.determinant == -1)
        let singular = try LUDecomposition(Matrix<Double>([[1, 2], [2, 4]]))
        #expect(singular.determinantSign == 0 && singular.determinant == 0 && singular.logAbsDeterminant == -.infinity)
        // log|det| of a huge diagonal does not overflow.
        let huge = try LUDecomposition(Matrix<Double>.diagonal(Array(repeating: 1e200, count: 10)))
        #expect(abs(huge.logAbsDeterminant - 2000 * log(10.0)) < 1e-9 && huge.determinantSign == 1)
    }

    @Test func solveAndInverse() throws {
        for n in [1, 4, 30] {
            let a = Matrix<Double>.identity(n) + 0.3 * randomMatrix(n, n, seed: UInt64(n))
            let b: Matrix<Double> = randomMatrix(n, 3, seed: 99)
            let x = try a.solve(b)
            #expect(relativeError(a * x, b) < 1e-12)
            let xt = try LUDecomposition(a).solve(b, transposed: true)
            #expect(relativeError(a.transposed() * xt, b) < 1e-12)
            #expect(relativeError(a * (try a.inverse()), .identity(n)) < 1e-12)
        }
        let af: Matrix<Float> = Matrix<Float>.identity(5) + 0.2 * randomMatrix(5, 5, seed: 4)
        #expect(relativeError(af * (try af.inverse()), .identity(5)) < 1e-5)
    }

    @Test func singularAndNonFiniteInputThrowTypedErrors() {
        let singular = Matrix<Double>([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(operation: "inverse", pivot: 2)) { try singular.inverse() }
        #expect(throws: LinearAlgebraError.singular(operation: "solve", pivot: 2)) { try singular.solve(.identity(2)) }
        var bad = Matrix<Double>.identity(3)
        bad[1, 2] = .nan
        #expect(throws: LinearAlgebraError.nonFinite(operation: "LU decomposition", row: 1, column: 2)) {
            try bad.determinant()
        }
        bad[1, 2] = .infinity
        #expect(throws: LinearAlgebraError.nonFinite(operation: "SVD", row: 1, column: 2)) {
            try SingularValueDecomposition(bad)
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "QR decomposition", row: 1, column: 2)) {
            try QRDecomposition(bad)
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "symmetric eigen-decomposition", row: 1, column: 2)) {
            try SymmetricEigendecomposition(bad)
        }
        #expect(throws: LinearAlgebraError.nonFinite(operation: "real Schur decomposition", row: 1, column: 2)) {
            try RealSchurDecomposition(bad)
        }
        #expect(throws: LinearAlgebraError.notSquare(operation: "LU decomposition", rows: 2, columns: 3)) {
            try LUDecomposition(Matrix<Double>(rows: 2, columns: 3))
        }
        #expect(throws: LinearAlgebraError.dimensionMismatch(operation: "solve", detail: "A is 3×3 but B has 2 rows")) {
            try Matrix<Double>.identity(3).solve(Matrix(rows: 2, columns: 1))
        }
    }

    @Test(arguments: [(6, 4), (4, 6), (5, 5), (1, 3), (40, 7)])
    func svdReconstructsAndIsOrthogonal(m: Int, n: Int) throws {
        let a: Matrix<Double> = randomMatrix(m, n, seed: UInt64(m * 10 + n))
        let svd = try SingularValueDecomposition(a)
        let k = min(m, n)
        #expect(relativeError(svd.reconstructed(), a) < 1e-13)
        #expect(relativeError(Matrix.product(svd.u, svd.u, transposeA: .transposed), .identity(k)) < 1e-13)
        #expect(relativeError(Matrix.product(svd.vt, svd.vt, transposeB: .transposed), .identity(k)) < 1e-13)
        #expect(
            zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 }
                && svd.singularValues.last! >= 0)
        // Σσ² = ‖A‖_F².
        let sumSquares = svd.singularValues.reduce(0) { $0 + $1 * $1 }
        #expect(abs(sumSquares - a.sumOfSquares()) < 1e-12 * a.sumOfSquares())
        let af = a.converted(to: Float.self)
        #expect(relativeError(try SingularValueDecomposition(af).reconstructed(), af) < 1e-5)
    }

    @Test(arguments: [(7, 4), (4, 7), (6, 6)])
    func qrIsOrthogonalAndTriangular(m: Int, n: Int) throws {
        let a: Matrix<Double> = randomMatrix(m, n, seed: UInt64(m + 31 * n))
        let qr = try QRDecomposition(a)
        let k = min(m, n)
        #expect(qr.q.rows == m && qr.q.columns == k && qr.r.rows == k && qr.r.columns == n)
        #expect(relativeError(Matrix.product(qr.q, qr.q, transposeA: .transposed), .identity(k)) < 1e-14)
        #expect(relativeError(qr.q * qr.r, a) < 1e-13)
        for i in 0..<k { for j in 0..<min(i, n) { #expect(qr.r[i, j] == 0) } }
    }

    @Test func symmetricEigen() throws {
        // The tridiagonal [[2,-1,0],[-1,2,-1],[0,-1,2]] has eigenvalues 2 − √2, 2, 2 + √2.
        let t = Matrix<Double>([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
        let e = try SymmetricEigendecomposition(t)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        for (x, y) in zip(e.eigenvalues, expected) { #expect(abs(x - y) < 1e-14) }
        let g: Matrix<Double> = randomMatrix(12, 12, seed: 5)
        let s = g + g.transposed()
        let es = try SymmetricEigendecomposition(s)
        let v = es.eigenvectors
        #expect(relativeError(v * Matrix.diagonal(es.eigenvalues) * v.transposed(), s) < 1e-13)
        #expect(relativeError(Matrix.product(v, v, transposeA: .transposed), .identity(12)) < 1e-13)
    }

    @Test func realSchurAndEigenvectors() throws {
        let a: Matrix<Double> = randomMatrix(9, 9, seed: 11)
        let schur = try RealSchurDecomposition(a)
        #expect(relativeError(schur.z * schur.t * schur.z.transposed(), a) < 1e-13)
        #expect(relativeError(Matrix.product(schur.z, schur.z, transposeA: .transposed), .identity(9)) < 1e-13)
        // Quasi-triangular: zero below the first subdiagonal; blocks tile the diagonal.
        for i in 0..<9 { for j in 0..<max(0, i - 1) { #expect(schur.t[i, j] == 0) } }
        #expect(schur.blocks.reduce(0) { $0 + $1.size } == 9)
        // A rotation has eigenvalues cos θ ± i sin θ.
        let theta = 0.7
        let rotation = Matrix<Double>([[cos(theta), -sin(theta)], [sin(theta), cos(theta)]])
        let e = try Eigendecomposition(rotation)
        #expect(
            abs(e.eigenvaluesReal[0] - cos(theta)) < 1e-14 && abs(abs(e.eigenvaluesImaginary[0]) - sin(theta)) < 1e-14)
        // Real eigenvectors satisfy A·v = λ·v.
        let sym = Matrix<Double>([[4, 1], [2, 3]])  // eigenvalues 5 and 2
        let es = try Eigendecomposition(sym)
        for j in 0..<2 {
            let v = (0..<2).map { es.eigenvectors![$0, j] }
            let av = sym.multiplied(by: v)
            for i in 0..<2 { #expect(abs(av[i] - es.eigenvaluesReal[j] * v[i]) < 1e-13) }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
