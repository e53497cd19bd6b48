import OrbitNetworks
import OrbitNumerics

/// Git Re-Basin weight matching (Ainsworth, Hayase & Srinivasa, ICLR 2023, Algorithm 1; docs/math/alignment.md
/// §7): the permutation π maximising ⟨θ_A, π(θ_B)⟩ = Σ_ℓ ⟨W^A_ℓ, P_ℓ W^B_ℓ P_{ℓ−1}ᵀ⟩_F + ⟨b^A_ℓ, P_ℓ b^B_ℓ⟩,
/// i.e. minimising ‖θ_A − π(θ_B)‖ (the norm of B is permutation invariant).
///
/// Coordinate descent: each sweep visits the groups in a random order (Fisher–Yates from `seed`); for
/// group g with every other permutation fixed the objective is linear in P_g, with cost
///
///     C_g = Σ_{(W, axis 0) ∈ g} W^A · (W^B P_inᵀ)ᵀ + Σ_{(W, axis 1) ∈ g} W^Aᵀ · (P_out W^B) + Σ_{b ∈ g} b^A b^Bᵀ,
///
/// solved exactly by ``LinearAssignment`` (maximise). A group's permutation is replaced only when the
/// new one raises Σ_i C_g[i, π(i)] by more than 1e-6 relative (the rounding of the Float32 products),
/// so the objective never decreases; the descent stops after a sweep without any change, or after
/// `maxSweeps` sweeps.
///
/// Implementation: the products are Float32 GEMMs (as Git Re-Basin's JAX code) accumulated into a
/// Float64 cost matrix. Each product depends on one neighbouring permutation only, so it is cached and
/// recomputed only when that neighbour changed; a group none of whose neighbours changed since it was
/// last solved keeps its (optimal) permutation without a new solve — the same iterates as the textbook
/// loop, fewer GEMMs. Cost per sweep: ≤ 2·Σ_W out·in·(out or in) flops + one O(n³) assignment per group.
public struct WeightMatching: Sendable {
    public var seed: UInt64
    public var maxSweeps: Int
    /// Relative improvement below which a group's permutation is kept.
    public var tolerance: Double

    public init(seed: UInt64 = 0, maxSweeps: Int = 100, tolerance: Double = 1e-6) {
        self.seed = seed
        self.maxSweeps = maxSweeps
        self.tolerance = tolerance
    }

    /// Matches B to A: `result.permutations` applied to B (``PermutationSpec/apply(_:to:)``) gives π(θ_B).
    /// `initial` starts the descent from given permutations (identity by default).
    public func match(
        _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec, initial: Permutations? = nil
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        // Buffers (running statistics) move with their channels but are not matched.
        let terms = spec.groups.map { g in
            g.axes.filter { spec.layout.tensor(named: $0.tensor)?.role == .parameter }.map { axis in
                ProductTerm(axis: axis, spec: spec, a: a, b: b)
            }
        }
        var objective = PermutedInnerProduct(spec: spec, a: a, b: b)
        var scratch: [Float] = []
        let descent = CoordinateDescent(spec: spec, seed: seed, maxSweeps: maxSweeps, tolerance: tolerance)
        let result = try descent.run(
            initial: initial ?? .identity(spec), neighbours: terms.map { $0.compactMap(\.otherGroup) }
        ) {
            g, perms, cache in
            let n = spec.groups[g].size
            var cost = Matrix<Double>(rows: n, columns: n)
            for (k, term) in terms[g].enumerated() {
                let version = term.otherGroup.map { perms.version[$0] } ?? 0
                if cache[g][k]?.version != version {
                    let other = term.otherGroup.map { perms.current[spec.groups[$0].name]! }
                    cache[g][k] = (version, term.product(permutation: other, scratch: &scratch))
                }
                cost.add(cache[g][k]!.matrix)
            }
            return cost
        } objective: { perms in
            objective(perms)
        }
        return MatchingResult(
            permutations: result.permutations, objective: result.history.last ?? 0, sweeps: result.sweeps,
            method: "weight", objectiveHistory: result.history)
    }
}

func requireLayouts(_ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec)
    throws(AlignmentError)
{
    do {
        try spec.layout.requireMatches(a.layout)
        try spec.layout.requireMatches(b.layout)
    } catch {
        throw .layoutMismatch(error)
    }
}

/// One (tensor, axis) contribution to a group's weight-matching cost: W^A · op(W^B) with the tensor's
/// other axis permuted by its own group. A tensor is read as its matrix view (shape[0] × rest, a
/// vector as a column) whose columns come in blocks of `block` per unit of the group reading them
/// (a convolution's kH·kW, a Linear's H·W after a Flatten; docs/math/layer-graph.md §5).
///
/// W^A is read in place in θ_A; W^B is gathered into a reused scratch buffer only when its other axis
/// is permuted, so a product allocates nothing but its n × n result.
struct ProductTerm {
    let axis: Int
    let otherGroup: Int?
    let isVector: Bool
    let block: Int
    let rows: Int
    let columns: Int
    let offset: Int
    let a: ParameterVector<Float>
    let b: ParameterVector<Float>
    /// `regroupBlocks(W^A)` for a blocked column axis: constant, so formed once, not at every product.
    let regroupedA: Matrix<Float>?

    init(axis: PermutedAxis, spec: PermutationSpec, a: ParameterVector<Float>, b: ParameterVector<Float>) {
        let tensor = spec.layout.tensor(named: axis.tensor)!
        self.axis = axis.axis
        self.a = a
        self.b = b
        offset = tensor.offset
        isVector = tensor.shape.count <= 1
        rows = tensor.shape.first ?? 1
        columns = isVector ? 1 : tensor.shape.dropFirst().reduce(1, *)
        let columnAxis = spec.groups.lazy.flatMap(\.axes).first { $0.tensor == axis.tensor && $0.axis == 1 }
        block = columnAxis?.block ?? 1
        let otherAxis = isVector ? nil : 1 - axis.axis
        otherGroup = otherAxis.flatMap { o in
            spec.group(of: axis.tensor, axis: o).flatMap { name in spec.groups.firstIndex { $0.name == name } }
        }
        let (offset, rows, columns, block) = (offset, rows, columns, block)
        regroupedA =
            !isVector && self.axis == 1 && block > 1
            ? a.withUnsafeBufferPointer { x in
                regroupBlocks(
                    MatrixView(baseAddress: x.baseAddress! + offset, rows: rows, columns: columns), block: block)
            } : nil
    }

    /// The n × n product for this axis given the other axis's permutation (nil: not permuted);
    /// `scratch` holds the permuted W^B between calls.
    func product(permutation other: [Int]?, scratch: inout [Float]) -> Matrix<Double> {
        if isVector {
            // b^A b^Bᵀ (rank one).
            return a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    Matrix<Double>(rows: rows, columns: rows) { out in
                        for i in 0..<rows {
                            for j in 0..<rows { out[i * rows + j] = Double(x[offset + i]) * Double(y[offset + j]) }
                        }
                    }
                }
            }
        }
        if scratch.count < rows * columns { scratch = [Float](repeating: 0, count: rows * columns) }
        let n = axis == 0 ? rows : columns / block
        var result = Matrix<Float>(rows: n, columns: n)
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                scratch.withUnsafeMutableBufferPointer { s in
                    let wa = MatrixView(baseAddress: x.baseAddress! + offset, rows: rows, columns: columns)
                    let wb = MatrixView(baseAddress: y.baseAddress! + offset, rows: rows, columns: columns)
                    result.withMutableView { c in
                        if axis == 0 {
                            // W^A · (W^B with its column blocks permuted)ᵀ.
                            let operand =
                                other.map { gatherColumnBlocks(wb, $0, block: block, into: s.baseAddress!) } ?? wb
                            gemm(wa, operand, into: c, transposeB: .transposed)
                        } else if block == 1 {
                            // W^Aᵀ · (P_out W^B): gather B's rows.
                            let operand = other.map { gatherRows(wb, $0, into: s.baseAddress!) } ?? wb
                            gemm(wa, operand, into: c, transposeA: .transposed)
                        } else {
                            // Regrouped so that row i holds column block i of every row: Â · B̂ᵀ, B's rows permuted.
                            let operand = regroupBlocks(wb, block: block, rowOrder: other, into: s.baseAddress!)
                            regroupedA!.withView { ra in gemm(ra, operand, into: c, transposeB: .transposed) }
                        }
                    }
                }
            }
        }
        return result.converted(to: Double.self)
    }
}

/// M with column block c ← block π[c], written to `target` (m.rows × m.columns); returns its view.
func gatherColumnBlocks<S: BLASScalar>(
    _ m: MatrixView<S>, _ p: [Int], block: Int, into target: UnsafeMutablePointer<S>
) -> MatrixView<S> {
    for i in 0..<m.rows {
        let s = m.row(i).baseAddress!, d = target + i * m.columns
        if block == 1 {
            for c in 0..<p.count { d[c] = s[p[c]] }
        } else {
            for c in 0..<p.count { (d + c * block).update(from: s + p[c] * block, count: block) }
        }
    }
    return MatrixView(baseAddress: target, rows: m.rows, columns: m.columns)
}

/// M[π, :] written to `target`; returns its view.
func gatherRows<S: BLASScalar>(_ m: MatrixView<S>, _ p: [Int], into target: UnsafeMutablePointer<S>) -> MatrixView<S> {
    for r in 0..<p.count { (target + r * m.columns).update(from: m.row(p[r]).baseAddress!, count: m.columns) }
    return MatrixView(baseAddress: target, rows: m.rows, columns: m.columns)
}

/// The units × (rows·block) matrix whose row i holds column block i of every row of `m`, in row order
/// (or in the order `rowOrder`: row r of m replaced by row rowOrder[r], the gather fused into the
/// copy), written to `target`; returns its view.
func regroupBlocks<S: BLASScalar>(
    _ m: MatrixView<S>, block: Int, rowOrder: [Int]? = nil, into target: UnsafeMutablePointer<S>
) -> MatrixView<S> {
    let units = m.columns / block
    let width = m.rows * block
    for r in 0..<m.rows {
        let s = m.row(rowOrder?[r] ?? r).baseAddress!
        for i in 0..<units { (target + i * width + r * block).update(from: s + i * block, count: block) }
    }
    return MatrixView(baseAddress: target, rows: units, columns: width)
}

/// `regroupBlocks` into a new matrix.
func regroupBlocks<S: BLASScalar>(_ m: MatrixView<S>, block: Int) -> Matrix<S> {
    var out = Matrix<S>(rows: m.columns / block, columns: m.rows * block)
    out.withUnsafeMutableBufferPointer { _ = regroupBlocks(m, block: block, into: $0.baseAddress!) }
    return out
}

/// `regroupBlocks` of a matrix into a new matrix.
func regroupBlocks<S: BLASScalar>(_ m: Matrix<S>, block: Int) -> Matrix<S> {
    m.withView { regroupBlocks($0, block: block) }
}

/// `gatherColumnBlocks` of a matrix into a new matrix.
func gatherColumnBlocks<S: BLASScalar>(_ m: Matrix<S>, _ p: [Int], block: Int) -> Matrix<S> {
    var out = Matrix<S>(rows: m.rows, columns: m.columns)
    m.withView { v in
        out.withUnsafeMutableBufferPointer { _ = gatherColumnBlocks(v, p, block: block, into: $0.baseAddress!) }
    }
    return out
}

/// The coordinate-descent loop shared by weight matching, Σ-weighted matching and MergeMany: random
/// group order per sweep, one maximisation assignment per group, a change only on a real improvement,
/// skipping groups whose neighbours did not change since their last solve.
struct CoordinateDescent {
    struct State {
        var current: [String: [Int]]
        /// Incremented every time a group's permutation changes.
        var version: [Int]
    }

    let spec: PermutationSpec
    let seed: UInt64
    let maxSweeps: Int
    let tolerance: Double

    func run(
        initial: Permutations, neighbours: [[Int]],
        cost: (Int, State, inout [[(version: Int, matrix: Matrix<Double>)?]]) throws -> Matrix<Double>,
        objective: (Permutations) -> Double
    ) throws -> (permutations: Permutations, sweeps: Int, history: [Double]) {
        try initial.validate(for: spec)
        var state = State(current: initial.byGroup, version: Array(repeating: 0, count: spec.groups.count))
        var cache: [[(version: Int, matrix: Matrix<Double>)?]] = spec.groups.map { g in
            Array(repeating: nil, count: g.axes.count)
        }
        // The neighbour versions each group saw when last solved (nil: never solved).
        var solvedAt: [[Int]?] = Array(repeating: nil, count: spec.groups.count)
        // Each group's dual prices from its last solve: its next cost differs only through the
        // neighbours that moved, so they warm-start the assignment (same optimum, less work).
        var prices: [AssignmentPrices?] = Array(repeating: nil, count: spec.groups.count)
        var generator = SeededGenerator(seed: seed)
        var history: [Double] = []
        var sweeps = 0
        while sweeps < maxSweeps {
            sweeps += 1
            var progress = false
            for g in fisherYates(spec.groups.count, &generator) {
                let seen = neighbours[g].map { state.version[$0] }
                if solvedAt[g] == seen { continue }
                let c = try cost(g, state, &cache)
                let name = spec.groups[g].name
                let old = assignmentValue(c, state.current[name]!)
                let (perm, new) = try assignMaximum(c, group: name, prices: &prices[g])
                solvedAt[g] = seen
                if new > old + tolerance * max(abs(old), 1e-300), perm != state.current[name]! {
                    state.current[name] = perm
                    state.version[g] += 1
                    progress = true
                }
            }
            history.append(objective(Permutations(byGroup: state.current)))
            if !progress { break }
        }
        return (Permutations(byGroup: state.current), sweeps, history)
    }
}
