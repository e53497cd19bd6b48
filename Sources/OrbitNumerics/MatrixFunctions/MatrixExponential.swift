#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Matrix where Scalar == Double {
    /// The matrix exponential e^A = Σ_k A^k / k!, by scaling and squaring with diagonal Padé
    /// approximants (Higham 2005, "The scaling and squaring method for the matrix exponential
    /// revisited", SIAM J. Matrix Anal. Appl. 26(4):1179–1193; also Higham, *Functions of
    /// Matrices*, SIAM 2008).
    ///
    /// With r_m = p_m/q_m the [m/m] Padé approximant of eˣ, the degree is the smallest
    /// m ∈ {3, 5, 7, 9} with ‖A‖₁ ≤ θ_m; otherwise m = 13 and A is scaled by 2⁻ˢ with
    /// s = ⌈log₂(‖A‖₁/θ₁₃)⌉, and e^A = r₁₃(2⁻ˢA)^(2ˢ). The θ_m are the largest norms for which the
    /// backward error of r_m is at most the unit roundoff u = 2⁻⁵³: r_m(A) = e^(A + ΔA) with
    /// ‖ΔA‖ ≤ u‖A‖. The rounding errors of the squaring phase are not covered by that bound; for
    /// highly non-normal A they can exceed it (Higham 2005 discusses when).
    ///
    /// Cost: π_m matrix products (π = 2, 3, 4, 5, 6 for m = 3, 5, 7, 9, 13), one LU solve with n
    /// right-hand sides, and s squarings — about (2(π_m + s) + 8/3)·n³ flops.
    ///
    /// - Throws: ``LinearAlgebraError/notSquare(operation:rows:columns:)`` or
    ///   ``LinearAlgebraError/nonFinite(operation:row:column:)`` for bad input; `.nonFinite` with
    ///   operation "matrix exponential (overflow)" when e^A has entries beyond the Double range.
    public func expm() throws(LinearAlgebraError) -> Matrix<Double> {
        try requireSquareFinite("matrix exponential")
        if rows == 0 { return self }
        let norm = oneNorm
        for (degree, theta) in PadeExponential.thetas where degree < 13 && norm <= theta {
            return try PadeExponential.approximant(degree: degree, of: self)
        }
        // s = ⌈log₂(‖A‖₁/θ₁₃)⌉ from the binary exponent, so an exact power of two is not rounded up.
        let ratio = norm / PadeExponential.theta13
        let s = ratio <= 1 ? 0 : Int(ratio.exponent) + (ratio.significand == 1 ? 0 : 1)
        // Multiplying by 2⁻ˢ is exact (no subnormal results: s ≤ 1024 and ‖A‖₁ > θ₁₃).
        var result = try PadeExponential.approximant(
            degree: 13, of: Double(sign: .plus, exponent: -s, significand: 1) * self)
        for _ in 0..<s { result = result * result }
        if let (row, column) = result.firstNonFinite() {
            throw .nonFinite(operation: "matrix exponential (overflow)", row: row, column: column)
        }
        return result
    }
}

/// The diagonal Padé approximants r_m(A) = q_m(A)⁻¹ p_m(A) of e^A used by ``Matrix/expm()``.
enum PadeExponential {
    /// (m, θ_m) for double precision from Higham 2005, to 16 digits as in the reference MATLAB
    /// implementation of that paper (checked against two public copies of it).
    static let thetas: [(degree: Int, theta: Double)] = [
        (3, 1.495585217958292e-2),
        (5, 2.539398330063230e-1),
        (7, 9.504178996162932e-1),
        (9, 2.097847961257068e0),
        (13, 5.371920351148152e0),
    ]
    static let theta13 = 5.371920351148152e0

    /// The coefficients b_0 … b_m of p_m(x) = Σ b_j x^j, scaled so that b_m = 1:
    /// b_j ∝ (2m − j)! m! / ((2m)! j! (m − j)!). q_m(x) = p_m(−x). All are integers below 2⁶³ and
    /// exactly representable in Double (recomputed with exact rational arithmetic).
    static func coefficients(_ m: Int) -> [Double] {
        switch m {
        case 3: return [120, 60, 12, 1]
        case 5: return [30240, 15120, 3360, 420, 30, 1]
        case 7: return [17_297_280, 8_648_640, 1_995_840, 277_200, 25200, 1512, 56, 1]
        case 9:
            return [
                17_643_225_600, 8_821_612_800, 2_075_673_600, 302_702_400, 30_270_240, 2_162_160, 110_880, 3960, 90, 1,
            ]
        case 13:
            return [
                64_764_752_532_480_000, 32_382_376_266_240_000, 7_771_770_303_897_600, 1_187_353_796_428_800,
                129_060_195_264_000, 10_559_470_521_600, 670_442_572_800, 33_522_128_640, 1_323_241_920,
                40_840_800, 960_960, 16380, 182, 1,
            ]
        default: preconditionFailure("no Padé approximant of degree \(m)")
        }
    }

    /// r_m(A). Splitting p_m into odd and even parts, p_m(A) = V + U and q_m(A) = V − U with
    /// U = A·Σ b_(2k+1) A^(2k) and V = Σ b_(2k) A^(2k), so only even powers are formed. For m = 13 the
    /// sums are nested in A⁶ (Higham 2005, eq. 2.11), which needs 6 products instead of 7.
    static func approximant(degree m: Int, of a: Matrix<Double>) throws(LinearAlgebraError) -> Matrix<Double> {
        let b = coefficients(m)
        let a2 = a * a
        let u: Matrix<Double>
        let v: Matrix<Double>
        if m == 13 {
            let a4 = a2 * a2
            let a6 = a4 * a2
            let innerU = a6 * linearCombination([(b[13], a6), (b[11], a4), (b[9], a2)], identity: 0)
            u = a * linearCombination([(1, innerU), (b[7], a6), (b[5], a4), (b[3], a2)], identity: b[1])
            let innerV = a6 * linearCombination([(b[12], a6), (b[10], a4), (b[8], a2)], identity: 0)
            v = linearCombination([(1, innerV), (b[6], a6), (b[4], a4), (b[2], a2)], identity: b[0])
        } else {
            var powers = [a2]  // A², A⁴, …, A^(m−1)
            while powers.count < (m - 1) / 2 { powers.append(powers[powers.count - 1] * a2) }
            var oddTerms: [(Double, Matrix<Double>)] = []
            var evenTerms: [(Double, Matrix<Double>)] = []
            for (k, power) in powers.enumerated() {
                oddTerms.append((b[2 * k + 3], power))
                evenTerms.append((b[2 * k + 2], power))
            }
            u = a * linearCombination(oddTerms, identity: b[1])
            v = linearCombination(evenTerms, identity: b[0])
        }
        // Higham 2005 shows q_m(A) is well conditioned whenever ‖A‖₁ ≤ θ_m, so LU with partial
        // pivoting is accurate here and no condition estimate is needed. V ∓ U by axpy: the generic
        // elementwise `+`/`−` measured ~20 ns an entry here, a sizeable share of a 64×64 expm.
        var denominator = v
        var numerator = v
        denominator.add(u, scaledBy: -1)
        numerator.add(u)
        return try LUDecomposition(denominator).solve(numerator)
    }

    /// Σ c_k M_k + d·I in one pass over the entries (avoids a temporary per term).
    static func linearCombination(_ terms: [(Double, Matrix<Double>)], identity d: Double) -> Matrix<Double> {
        let n = terms[0].1.rows
        let count = n * terms[0].1.columns
        var result = Matrix<Double>(rows: n, columns: terms[0].1.columns)
        result.withUnsafeMutableBufferPointer { out in
            for (c, m) in terms {
                m.withUnsafeBufferPointer { src in
                    for i in 0..<count { out[i] += c * src[i] }
                }
            }
            if d != 0 {
                for i in 0..<n { out[i * n + i] += d }
            }
        }
        return result
    }
}
