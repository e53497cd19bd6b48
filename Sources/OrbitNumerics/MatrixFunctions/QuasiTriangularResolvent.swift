extension QuasiTriangularMatrix {
    /// sum ← sum + w·(I + cX)⁻¹X for this quasi-upper-triangular X: one term of the partial-fraction
    /// Padé approximant log(I + X) ≈ Σ_j w_j (I + x_j X)⁻¹X used by ``Matrix/logm()``.
    ///
    /// I + cX has X's block structure, so each column of the result is found by block back
    /// substitution over the leading rows only (the result is quasi-triangular too): about n³/6
    /// multiply-adds, against 8n³/3 flops for a general LU solve. Working in Swift rather than
    /// LAPACK also keeps these small solves off BLAS's worker threads, which cost more to wake
    /// than the solve itself at the sizes the symmetry code uses.
    ///
    /// `sum` is column-major n×n. Requires I + cX nonsingular; in ``Matrix/logm()``
    /// ‖cX‖₁ ≤ θ₁₆ < 1, so every diagonal block has eigenvalues 1 + c(λ − 1) with |c(λ − 1)| < 0.73
    /// and the explicit 2×2 inverses below are well conditioned (κ₂ ≤ (1 + 0.73)/(1 − 0.73) ≈ 6.4).
    func accumulateResolventTerm(node c: Double, weight w: Double, into sum: inout [Double]) {
        let n = order
        precondition(sum.count == n * n, "accumulateResolventTerm: sum has \(sum.count) entries for order \(n)")
        // The inverse of each diagonal block of I + cX, row-major 2×2 (a 1×1 block uses entry 0).
        var inverses = [SIMD4<Double>](repeating: SIMD4(), count: blocks.count)
        var blockOfColumn = [Int](repeating: 0, count: n)
        for (b, block) in blocks.enumerated() {
            let s = block.start
            for k in s..<(s + block.size) { blockOfColumn[k] = b }
            if block.size == 1 {
                inverses[b][0] = 1 / (1 + c * self[s, s])
            } else {
                let a11 = 1 + c * self[s, s], a12 = c * self[s, s + 1]
                let a21 = c * self[s + 1, s], a22 = 1 + c * self[s + 1, s + 1]
                let det = a11 * a22 - a12 * a21
                inverses[b] = SIMD4(a22, -a12, -a21, a11) / det
            }
        }
        var rhs = [Double](repeating: 0, count: n)
        entries.withUnsafeBufferPointer { x in
            sum.withUnsafeMutableBufferPointer { out in
                rhs.withUnsafeMutableBufferPointer { y in
                    for j in 0..<n {
                        let last = blockOfColumn[j]
                        let end = blocks[last].start + blocks[last].size
                        for k in 0..<end { y[k] = x[j * n + k] }
                        var b = last
                        while b >= 0 {
                            let s = blocks[b].start
                            let inverse = inverses[b]
                            if blocks[b].size == 1 {
                                let value = inverse[0] * y[s]
                                y[s] = value
                                if s > 0 && value != 0 {
                                    let factor = c * value
                                    let column = x.baseAddress! + s * n
                                    for k in 0..<s { y[k] -= column[k] * factor }
                                }
                            } else {
                                let r0 = y[s], r1 = y[s + 1]
                                let v0 = inverse[0] * r0 + inverse[1] * r1
                                let v1 = inverse[2] * r0 + inverse[3] * r1
                                y[s] = v0
                                y[s + 1] = v1
                                if s > 0 {
                                    let f0 = c * v0, f1 = c * v1
                                    let column0 = x.baseAddress! + s * n
                                    let column1 = x.baseAddress! + (s + 1) * n
                                    for k in 0..<s { y[k] -= column0[k] * f0 + column1[k] * f1 }
                                }
                            }
                            b -= 1
                        }
                        let target = out.baseAddress! + j * n
                        for k in 0..<end { target[k] += w * y[k] }
                    }
                }
            }
        }
    }
}
