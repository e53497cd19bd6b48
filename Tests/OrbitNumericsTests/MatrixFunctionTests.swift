import Foundation
import Testing

@testable import OrbitNumerics

// Matrix functions in Float64: expm, logm, the real-logarithm check, the polar decomposition and the
// Gauss–Legendre rules behind logm. Closed forms where they exist; round trips otherwise.

private func relativeError(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    (a - b).frobeniusNorm / max(b.frobeniusNorm, .leastNormalMagnitude)
}

private func rotation(_ theta: Double) -> Matrix<Double> {
    Matrix([[cos(theta), -sin(theta)], [sin(theta), cos(theta)]])
}

private func generator(_ theta: Double) -> Matrix<Double> { Matrix([[0, -theta], [theta, 0]]) }

/// 3I + G/√n: eigenvalues in the disc |z − 3| ≲ 1, far from the negative axis, well conditioned.
private func shiftedGaussian(_ n: Int, seed: UInt64, shift: Double = 3, scale: Double = 1) -> Matrix<Double> {
    var g = SeededGenerator(seed: seed)
    var a = Matrix<Double>.normal(rows: n, columns: n, standardDeviation: scale / Double(n).squareRoot(), generator: &g)
    for i in 0..<n { a[i, i] += shift }
    return a
}

/// Q·diag(d)·Qᵀ + strictly upper-triangular noise: normal part with positive spectrum plus a
/// non-normal part.
private func nonNormalPositive(_ n: Int, seed: UInt64) -> Matrix<Double> {
    var g = SeededGenerator(seed: seed)
    let q = Matrix<Double>.orthogonal(rows: n, columns: n, generator: &g)
    let d = (0..<n).map { _ in 0.2 + 4 * g.nextUnitDouble() }
    var upper = Matrix<Double>.normal(
        rows: n, columns: n, standardDeviation: 0.5 / Double(n).squareRoot(), generator: &g)
    for i in 0..<n {
        for j in 0...i { upper[i, j] = 0 }
    }
    return q * (Matrix.diagonal(d) + upper) * q.transposed()
}

// MARK: - Gauss–Legendre

@Test func gaussLegendreKnownRules() {
    let two = GaussLegendreRule(points: 2)
    #expect(abs(two.nodes[0] + 1 / 3.0.squareRoot()) < 1e-15)
    #expect(abs(two.nodes[1] - 1 / 3.0.squareRoot()) < 1e-15)
    #expect(two.weights.allSatisfy { abs($0 - 1) < 1e-15 })

    let three = GaussLegendreRule(points: 3)
    let r = (3.0 / 5).squareRoot()
    #expect(abs(three.nodes[0] + r) < 1e-15 && three.nodes[1] == 0 && abs(three.nodes[2] - r) < 1e-15)
    #expect(abs(three.weights[0] - 5.0 / 9) < 1e-15 && abs(three.weights[1] - 8.0 / 9) < 1e-15)
    #expect(abs(three.weights[2] - 5.0 / 9) < 1e-15)

    // An m-point rule integrates x^(2m−2) exactly: ∫₋₁¹ x^k = 2/(k+1) for even k.
    for m in [1, 4, 7, 12, 16] {
        let rule = GaussLegendreRule(points: m)
        let k = 2 * m - 2
        #expect(abs(rule.integrate { pow($0, Double(k)) } - 2 / Double(k + 1)) < 1e-14)
        #expect(abs(rule.weights.reduce(0, +) - 2) < 1e-14)
    }
    // On [0, 1], Σ w_j/(1 + x_j) is the [m/m] Padé approximant of log 2; its error ~0.17^(2m).
    let unit5 = GaussLegendreRule(points: 5).mapped(to: 0...1)
    #expect(abs(unit5.integrate { 1 / (1 + $0) } - log(2.0)) < 3e-8)
    let unit16 = GaussLegendreRule.unitIntervalRules[15]
    #expect(abs(unit16.integrate { 1 / (1 + $0) } - log(2.0)) < 5e-16)
    #expect(unit16.nodes.allSatisfy { $0 > 0 && $0 < 1 } && abs(unit16.weights.reduce(0, +) - 1) < 1e-15)
}

// MARK: - expm

@Test func expmDiagonalZeroAndScaling() throws {
    let d = [-3.0, 0.5, 2, 10, -20, 20, 1e-3]
    let e = try Matrix.diagonal(d).expm()
    for (i, x) in d.enumerated() {
        #expect(abs(e[i, i] - exp(x)) <= 1e-13 * exp(x))
        for j in 0..<d.count where j != i { #expect(e[i, j] == 0) }
    }
    #expect(try Matrix<Double>(rows: 5, columns: 5).expm() == .identity(5))
    #expect(try Matrix<Double>(rows: 0, columns: 0).expm().rows == 0)

    // ‖A‖₁ = 40 ≫ θ₁₃ (scaling path): [[a, b], [0, c]] has exp [[eᵃ, b(eᵃ − eᶜ)/(a − c)], [0, eᶜ]].
    let (a, b, c) = (20.0, 3.0, -20.0)
    let upper = try Matrix([[a, b], [0, c]]).expm()
    #expect(abs(upper[0, 0] - exp(a)) <= 1e-13 * exp(a))
    #expect(abs(upper[1, 1] - exp(c)) <= 1e-13 * exp(c))
    let corner = b * (exp(a) - exp(c)) / (a - c)
    #expect(abs(upper[0, 1] - corner) <= 1e-13 * corner)
    #expect(upper[1, 0] == 0)
}

@Test func expmNilpotentIsTheFiniteSeries() throws {
    for scale in [1e-3, 0.3, 1, 5, 40] {
        var g = SeededGenerator(seed: UInt64(scale * 1000))
        var n = Matrix<Double>.normal(rows: 4, columns: 4, standardDeviation: scale, generator: &g)
        for i in 0..<4 {
            for j in 0...i { n[i, j] = 0 }
        }
        let n2 = n * n
        let exact = Matrix.identity(4) + n + 0.5 * n2 + (1.0 / 6) * (n2 * n)
        #expect(relativeError(try n.expm(), exact) < 1e-13, "scale \(scale)")
    }
}

@Test(arguments: [1e-3, 0.1, 1, .pi / 2, 3, 10, 30, -7])
func expmOfRotationGenerator(theta: Double) throws {
    #expect(relativeError(try generator(theta).expm(), rotation(theta)) < 1e-13)
}

@Test func expmMatchesEigendecompositionOfSymmetricMatrices() throws {
    for (n, seed) in [(3, 1), (10, 2), (30, 3)] {
        var g = SeededGenerator(seed: UInt64(seed))
        let b = Matrix<Double>.normal(rows: n, columns: n, generator: &g)
        let s = 0.5 * (b + b.transposed())  // ‖S‖₁ ≈ n/2·… exercises every degree across sizes
        let eig = try SymmetricEigendecomposition(s)
        let v = eig.eigenvectors
        let exact = v * Matrix.diagonal(eig.eigenvalues.map { exp($0) }) * v.transposed()
        #expect(relativeError(try s.expm(), exact) < 1e-12, "n = \(n)")
        // And each low degree: scale S down into the θ₃ … θ₉ ranges.
        for target in [0.01, 0.2, 0.9, 2.0] {
            let small = (target / s.oneNorm) * s
            let smallExact = v * Matrix.diagonal(eig.eigenvalues.map { exp($0 * target / s.oneNorm) }) * v.transposed()
            #expect(relativeError(try small.expm(), smallExact) < 1e-14, "n = \(n), ‖A‖₁ = \(target)")
        }
    }
}

@Test func expmOverflowIsReported() {
    let error = #expect(throws: LinearAlgebraError.self) { try Matrix.diagonal([800, 1]).expm() }
    guard case .nonFinite = error else {
        Issue.record("expected .nonFinite, got \(String(describing: error))")
        return
    }
}

// MARK: - logm

@Test func expmOfLogmRoundTrip() throws {
    for n in [2, 3, 5, 8, 13, 21, 40] {
        for seed in 1...3 {
            let a = shiftedGaussian(n, seed: UInt64(100 * n + seed))
            #expect(relativeError(try a.logm().expm(), a) <= 1e-10, "shifted Gaussian n = \(n) seed \(seed)")
            let b = nonNormalPositive(n, seed: UInt64(7 * n + seed))
            #expect(relativeError(try b.logm().expm(), b) <= 1e-10, "non-normal n = \(n) seed \(seed)")
        }
    }
    // Spectrum close to 0 and far from 1 (many square roots), and one near the negative axis.
    let wide = Matrix.diagonal([1e-6, 1, 1e6])
    let l = try wide.logm()
    #expect(abs(l[0, 0] - log(1e-6)) < 1e-14 * 14 && abs(l[2, 2] - log(1e6)) < 1e-14 * 14 && l[1, 1] == 0)
    // A defective positive eigenvalue: log [[λ, 1], [0, λ]] = [[log λ, 1/λ], [0, log λ]].
    let jordanLog = try Matrix([[2.0, 1], [0, 2]]).logm()
    #expect(relativeError(jordanLog, Matrix([[log(2.0), 0.5], [0, log(2.0)]])) < 1e-15)
    // Non-normal 2×2: log [[a, b], [0, c]] = [[log a, b(log a − log c)/(a − c)], [0, log c]].
    let (p, q, r) = (0.3, 7.0, 40.0)
    let upperLog = try Matrix([[p, q], [0, r]]).logm()
    let upperExpected = Matrix([[log(p), q * (log(p) - log(r)) / (p - r)], [0, log(r)]])
    #expect(relativeError(upperLog, upperExpected) < 1e-14)
    let nearPi = rotation(.pi - 1e-6)
    #expect(relativeError(try nearPi.logm(), generator(.pi - 1e-6)) < 1e-12)
}

@Test func logmOfExpmRoundTripForSmallNorm() throws {
    for n in [2, 4, 9, 25] {
        for seed in 1...3 {
            var g = SeededGenerator(seed: UInt64(1000 + 10 * n + seed))
            let raw = Matrix<Double>.normal(rows: n, columns: n, generator: &g)
            let x = (0.9 / raw.frobeniusNorm) * raw  // ‖X‖₂ ≤ ‖X‖_F < 1 < π: principal branch
            #expect(relativeError(try x.expm().logm(), x) <= 1e-10, "n = \(n) seed \(seed)")
        }
    }
    #expect(try Matrix<Double>.identity(6).logm() == Matrix(rows: 6, columns: 6))
}

@Test(arguments: [1e-8, 0.3, 1, 2, 3, -2.5, 3.14])
func logmOfRotationIsTheGenerator(theta: Double) throws {
    #expect(relativeError(try rotation(theta).logm(), generator(theta)) < 1e-12)
}

@Test func logmWithComplexEigenvalues() throws {
    // r·R(φ) has eigenvalues r·e^(±iφ), log = ln r·I + φJ: a single 2×2 Schur block.
    let (r, phi) = (2.5, 2.0)
    let l = try (r * rotation(phi)).logm()
    #expect(relativeError(l, log(r) * Matrix<Double>.identity(2) + generator(phi)) < 1e-13)

    // Several complex pairs and real eigenvalues, hidden by a non-orthogonal similarity:
    // A = S·B·S⁻¹ with B block diagonal ⇒ log A = S·log B·S⁻¹.
    var g = SeededGenerator(seed: 42)
    let s = shiftedGaussian(7, seed: 43, shift: 2)
    var blockLog = Matrix<Double>(rows: 7, columns: 7)
    var blocks = Matrix<Double>(rows: 7, columns: 7)
    for (start, radius, angle) in [(0, 0.7, 2.8), (2, 1.3, -1.1), (4, 3.0, 0.4)] {
        let block = radius * rotation(angle)
        let logBlock = log(radius) * Matrix<Double>.identity(2) + generator(angle)
        for i in 0..<2 {
            for j in 0..<2 {
                blocks[start + i, start + j] = block[i, j]
                blockLog[start + i, start + j] = logBlock[i, j]
            }
        }
    }
    let lastEigenvalue = 0.5 + g.nextUnitDouble()
    blocks[6, 6] = lastEigenvalue
    blockLog[6, 6] = log(lastEigenvalue)
    let sInverse = try s.inverse()
    let a = s * blocks * sInverse
    let expected = s * blockLog * sInverse
    let schur = try RealSchurDecomposition(a)
    #expect(schur.blocks.filter { $0.size == 2 }.count == 3)
    #expect(relativeError(try a.logm(), expected) < 1e-12)
}

@Test func logmRejectsEigenvaluesOnTheClosedNegativeAxis() throws {
    #expect(throws: LinearAlgebraError.noRealLogarithm(eigenvalue: -1)) { try Matrix.diagonal([-1, -2]).logm() }
    #expect(throws: LinearAlgebraError.noRealLogarithm(eigenvalue: -1)) {
        try Matrix<Double>.diagonal([-1, -1]).logm()
    }

    // Eigenvalues {−0.5, 1, 2, 3} behind a similarity transform.
    let s = shiftedGaussian(4, seed: 9, shift: 2)
    let a = s * Matrix.diagonal([-0.5, 1, 2, 3]) * (try s.inverse())
    let error = #expect(throws: LinearAlgebraError.self) { try a.logm() }
    guard case .noRealLogarithm(let eigenvalue) = error else {
        Issue.record("expected .noRealLogarithm, got \(String(describing: error))")
        return
    }
    #expect(abs(eigenvalue + 0.5) < 1e-12)

    // Singular: the zero eigenvalue is reported as 0.
    #expect(throws: LinearAlgebraError.noRealLogarithm(eigenvalue: 0)) { try Matrix([[1.0, 2], [2, 4]]).logm() }
    // A rotation by π computed in floating point: eigenvalues −1 ± 1.2e-16 i count as −1.
    #expect(throws: LinearAlgebraError.noRealLogarithm(eigenvalue: -1)) { try rotation(.pi).logm() }
}

// MARK: - real logarithm check

@Test func realLogarithmCheckFollowsCulver() throws {
    let minusIdentity = try Matrix<Double>.diagonal([-1, -1]).realLogarithmCheck()
    #expect(!minusIdentity.hasPrincipalRealLogarithm)
    #expect(minusIdentity.hasRealLogarithm)
    #expect(minusIdentity.eigenvaluesOnClosedNegativeAxis == [-1, -1])
    #expect(minusIdentity.negativeEigenvalues == [.init(value: -1, multiplicity: 2, jordanBlockSizes: [1, 1])])
    // −I₂ is exp of the generator of a rotation by π:
    #expect(relativeError(try generator(.pi).expm(), Matrix.diagonal([-1, -1])) < 1e-15)

    let distinct = try Matrix<Double>.diagonal([-1, -2]).realLogarithmCheck()
    #expect(!distinct.hasPrincipalRealLogarithm && !distinct.hasRealLogarithm && !distinct.isSingular)
    #expect(distinct.eigenvaluesOnClosedNegativeAxis == [-2, -1])

    let jordan = try Matrix([[-1.0, 1], [0, -1]]).realLogarithmCheck()
    #expect(!jordan.hasRealLogarithm)
    #expect(jordan.negativeEigenvalues.map(\.jordanBlockSizes) == [[2]])

    // Two equal Jordan blocks of −2 plus a positive eigenvalue, behind a similarity: real log exists.
    let j2 = Matrix([
        [-2.0, 1, 0, 0, 0], [0, -2, 0, 0, 0], [0, 0, -2, 1, 0], [0, 0, 0, -2, 0], [0, 0, 0, 0, 3],
    ])
    let pairs = try j2.realLogarithmCheck()
    #expect(pairs.hasRealLogarithm && !pairs.hasPrincipalRealLogarithm)
    #expect(pairs.negativeEigenvalues.map(\.jordanBlockSizes) == [[2, 2]])

    // −I₄ hidden by a similarity, and a rotation by π in 3D with an extra +1.
    let s = shiftedGaussian(4, seed: 5, shift: 2)
    let hidden = try (s * Matrix.diagonal([-1, -1, -3, -3]) * (try s.inverse())).realLogarithmCheck()
    #expect(hidden.hasRealLogarithm && !hidden.hasPrincipalRealLogarithm)
    #expect(hidden.negativeEigenvalues.map(\.multiplicity) == [2, 2])

    let positive = try shiftedGaussian(10, seed: 3).realLogarithmCheck()
    #expect(positive.hasPrincipalRealLogarithm && positive.hasRealLogarithm)
    #expect(positive.eigenvaluesOnClosedNegativeAxis.isEmpty)

    let singular = try Matrix([[1.0, 2], [2, 4]]).realLogarithmCheck()
    #expect(singular.isSingular && !singular.hasRealLogarithm && !singular.hasPrincipalRealLogarithm)

    // The default check agrees with logm: rotation by π − 1e-6 passes, by π (rounded) does not.
    #expect(try rotation(.pi - 1e-6).realLogarithmCheck().hasPrincipalRealLogarithm)
    let halfTurn = try rotation(.pi).realLogarithmCheck()
    #expect(!halfTurn.hasPrincipalRealLogarithm && halfTurn.hasRealLogarithm)
}

// MARK: - polar decomposition

@Test func polarDecompositionFactors() throws {
    for (n, seed, flip) in [(2, 1, false), (5, 2, true), (16, 3, false), (33, 4, true)] {
        var g = SeededGenerator(seed: UInt64(seed))
        var a = Matrix<Double>.normal(rows: n, columns: n, generator: &g)
        let sign = try LUDecomposition(a).determinantSign
        if (sign < 0) != flip {
            for j in 0..<n { a[0, j] = -a[0, j] }  // det changes sign
        }
        let polar = try a.polarDecomposition()
        let (q, p) = (polar.q, polar.p)
        #expect((q.transposed() * q - .identity(n)).frobeniusNorm <= 1e-12)
        #expect(p == p.transposed())
        #expect(try SymmetricEigendecomposition(p).eigenvalues.allSatisfy { $0 >= 0 })
        #expect(relativeError(q * p, a) <= 1e-13)
        let detQ = try LUDecomposition(q).determinant
        #expect(abs(detQ - (flip ? -1 : 1)) < 1e-12, "n = \(n)")
    }
    // Singular g: P is semidefinite, QP = g still.
    let singular = Matrix([[1.0, 2], [2, 4]])
    let polar = try singular.polarDecomposition()
    #expect(relativeError(polar.q * polar.p, singular) < 1e-14)
    #expect(try SymmetricEigendecomposition(polar.p).eigenvalues.allSatisfy { $0 >= -1e-14 })
    // For invertible g with det > 0 both factors have real logarithms; their exponentials rebuild g.
    let h = shiftedGaussian(6, seed: 77, shift: 1, scale: 2)
    let hp = try h.polarDecomposition()
    if try LUDecomposition(h).determinantSign > 0 && (try hp.q.realLogarithmCheck().hasPrincipalRealLogarithm) {
        let rebuilt = try hp.q.logm().expm() * (try hp.p.logm().expm())
        #expect(relativeError(rebuilt, h) < 1e-11)
    }
}

@Test func resolventTermMatchesADenseSolve() throws {
    // (I + cX)⁻¹X by block back substitution against LU on the dense matrix.
    var g = SeededGenerator(seed: 11)
    var a = Matrix<Double>.normal(rows: 12, columns: 12, standardDeviation: 0.15, generator: &g)
    for i in 0..<12 { a[i, i] += 1 }
    let schur = try RealSchurDecomposition(a)
    var x = QuasiTriangularMatrix(schur.t, blocks: schur.blocks)
    for i in 0..<12 { x[i, i] -= 1 }
    let dense = x.matrix
    for (c, w) in [(0.1, 0.5), (0.9, 2.0)] {
        var sum = [Double](repeating: 0, count: 144)
        x.accumulateResolventTerm(node: c, weight: w, into: &sum)
        let expected = w * (try (Matrix<Double>.identity(12) + c * dense).solve(dense))
        #expect(relativeError(Matrix(rows: 12, columns: 12, columnMajor: sum), expected) < 1e-14)
    }
}

// MARK: - input validation and internals

@Test func invalidInputIsRejected() {
    let nan = Matrix([[1.0, .nan], [0, 1]])
    let inf = Matrix([[1.0, 0], [.infinity, 1]])
    let wide = Matrix<Double>(rows: 2, columns: 3)
    for m in [nan, inf] {
        for f in [{ try m.expm() }, { try m.logm() }, { try m.polarDecomposition().q }] as [() throws -> Matrix<Double>]
        {
            let error = #expect(throws: LinearAlgebraError.self) { try f() }
            guard case .nonFinite = error else {
                Issue.record("expected .nonFinite, got \(String(describing: error))")
                continue
            }
        }
        #expect(throws: LinearAlgebraError.self) { try m.realLogarithmCheck() }
    }
    for f in [{ try wide.expm() }, { try wide.logm() }] as [() throws -> Matrix<Double>] {
        let error = #expect(throws: LinearAlgebraError.self) { try f() }
        guard case .notSquare = error else {
            Issue.record("expected .notSquare, got \(String(describing: error))")
            continue
        }
    }
    #expect(throws: LinearAlgebraError.notSquare(operation: "real logarithm check", rows: 2, columns: 3)) {
        try wide.realLogarithmCheck()
    }
}

@Test func quasiTriangularSquareRoot() throws {
    for (n, seed) in [(1, 1), (2, 2), (6, 3), (17, 4), (40, 5)] {
        // Complex pairs come from the rotation-like part; shift keeps the spectrum in Re z > 0.
        var g = SeededGenerator(seed: UInt64(seed))
        var a = Matrix<Double>.normal(rows: n, columns: n, standardDeviation: 2 / Double(n).squareRoot(), generator: &g)
        for i in 0..<n { a[i, i] += 1 }
        let schur = try RealSchurDecomposition(a)
        if schur.eigenvaluesReal.enumerated().contains(where: { $1 <= 0 && schur.eigenvaluesImaginary[$0] == 0 }) {
            continue
        }
        let t = QuasiTriangularMatrix(schur.t, blocks: schur.blocks)
        let r = t.squareRoot().matrix
        #expect(relativeError(r * r, schur.t) < 1e-12, "n = \(n)")
        let eig = try Eigendecomposition(r, computeEigenvectors: false)
        #expect(eig.eigenvaluesReal.allSatisfy { $0 > 0 }, "principal root, n = \(n)")
    }
    // Every block-size combination of the small Sylvester solves: blocks (1, 2, 2, 1, 2, 1).
    let mixed = Matrix([
        [2.0, 0.3, -1.2, 0.7, 0.4, -0.5, 1.1, 0.2, -0.9],
        [0, 1.5, 2.0, -0.6, 0.8, 0.1, -0.3, 0.5, 0.6],
        [0, -0.7, 1.5, 0.9, -1.0, 0.2, 0.4, -0.8, 0.3],
        [0, 0, 0, 0.5, 3.0, 1.3, -0.2, 0.7, 1.0],
        [0, 0, 0, -0.1, 0.5, -0.4, 0.6, 0.9, -1.1],
        [0, 0, 0, 0, 0, 4.0, 0.8, -0.3, 0.2],
        [0, 0, 0, 0, 0, 0, 0.2, 1.0, 0.5],
        [0, 0, 0, 0, 0, 0, -5.0, 0.2, -0.7],
        [0, 0, 0, 0, 0, 0, 0, 0, 0.1],
    ])
    let mixedBlocks = [(0, 1), (1, 2), (3, 2), (5, 1), (6, 2), (8, 1)]
    let mixedRoot = QuasiTriangularMatrix(mixed, blocks: mixedBlocks).squareRoot().matrix
    #expect(relativeError(mixedRoot * mixedRoot, mixed) < 1e-14)
    // A 2×2 block with eigenvalues −1 ± 0.1i (close to the negative axis): α + iβ = √(θ + iμ).
    let block = Matrix([[-1.0, 0.5], [-0.02, -1]])
    let root = QuasiTriangularMatrix(block, blocks: [(0, 2)]).squareRoot().matrix
    #expect(relativeError(root * root, block) < 1e-14)
}
