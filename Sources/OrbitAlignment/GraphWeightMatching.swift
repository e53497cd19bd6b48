import OrbitNetworks
import OrbitNumerics

/// Git Re-Basin weight matching (Ainsworth et al. 2023, Algorithm 1; docs/math/alignment.md §7) on
/// any layer graph, with the permutation spec derived from the graph (``ChannelSpaces``,
/// `docs/math/layer-graph.md §5`) instead of written by hand: π maximises ⟨θ_A, π(θ_B)⟩ over the
/// parameters (buffers move with their channels but do not enter the objective).
///
/// Coordinate descent over the free spaces in a random order per sweep; for space s with every other
/// permutation fixed the objective is linear in P_s with cost
///
///     C_s = Σ_{T: rows in s} A_T · (B_T with its column blocks permuted)ᵀ
///         + Σ_{T: column blocks in s} Â_T · (B̂_T with its rows permuted)ᵀ,
///
/// where Â is the tensor regrouped so that row i holds every entry of column block i (a
/// convolution's (C, kH, kW) block of input channel i, a Linear's H·W block after a Flatten). A
/// residual stream is one space, so its cost sums every layer writing into it and reading it. Solved
/// exactly by ``LinearAssignment``; a permutation is replaced only on a relative improvement above
/// `tolerance`, so the objective never decreases. Cost per sweep: two GEMMs per tensor and space,
/// one O(n³) assignment per space.
public struct GraphWeightMatching: Sendable {
    public var seed: UInt64
    public var maxSweeps: Int
    public var tolerance: Double

    public init(seed: UInt64 = 0, maxSweeps: Int = 100, tolerance: Double = 1e-9) {
        self.seed = seed
        self.maxSweeps = maxSweeps
        self.tolerance = tolerance
    }

    public struct Result: Sendable {
        /// π_s by space id (every free space).
        public var permutations: [Int: [Int]]
        /// ⟨θ_A, π(θ_B)⟩ after each sweep.
        public var objectiveHistory: [Double]
        public var sweeps: Int
        public let spaces: ChannelSpaces

        /// π(θ_B).
        public func apply<S: BLASScalar>(to theta: ParameterVector<S>) -> ParameterVector<S> {
            spaces.apply(permutations, to: theta)
        }
    }

    /// Matches B to A. Both must have `network`'s layout.
    public func match<S: BLASScalar>(_ a: ParameterVector<S>, _ b: ParameterVector<S>, network: Network)
        throws(AlignmentError)
        -> Result
    {
        do {
            try network.layout.requireMatches(a.layout)
            try network.layout.requireMatches(b.layout)
        } catch { throw .layoutMismatch(error) }
        let spaces = ChannelSpaces(network.plan)
        let a64 = a.converted(to: Double.self), b64 = b.converted(to: Double.self)
        let free = spaces.freeSpaces
        var permutations: [Int: [Int]] = [:]
        for space in free { permutations[space.id] = Array(0..<space.size) }
        let parameters = spaces.tensors.filter { $0.tensor.role == .parameter }
        var generator = SeededGenerator(seed: seed)
        var history: [Double] = []
        var sweeps = 0
        while sweeps < maxSweeps {
            sweeps += 1
            var progress = false
            var order = free.map(\.id)
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
            for s in order {
                let n = spaces.spaces[s].size
                var cost = Matrix<Double>(rows: n, columns: n)
                for axes in parameters where axes.rowSpace == s || axes.columnSpace == s {
                    cost.add(Self.cost(axes, space: s, a: a64, b: b64, permutations: permutations))
                }
                let old = assignmentValue(cost, permutations[s]!)
                let (perm, new) = try assignMaximum(cost, group: "space \(s)")
                if new > old + tolerance * Swift.max(abs(old), 1e-300), perm != permutations[s]! {
                    permutations[s] = perm
                    progress = true
                }
            }
            history.append(Self.innerProduct(a64, spaces.apply(permutations, to: b64), count: network.parameterCount))
            if !progress { break }
        }
        return Result(permutations: permutations, objectiveHistory: history, sweeps: sweeps, spaces: spaces)
    }

    /// The contribution of one tensor to space s's cost, the tensor's other space permuted as now.
    static func cost(
        _ axes: ChannelSpaces.TensorAxes, space s: Int, a: ParameterVector<Double>, b: ParameterVector<Double>,
        permutations: [Int: [Int]]
    ) -> Matrix<Double> {
        let (rows, columns) = ChannelSpaces.matrixView(axes.tensor)
        let block = axes.columnBlock
        let units = columns / block
        // The (units × rest) view of the table; a vector is one column.
        let wa = Matrix(rows: rows, columns: columns, flat: a.tensor(axes.tensor.name)!.flat)
        let original = Matrix(rows: rows, columns: columns, flat: b.tensor(axes.tensor.name)!.flat)
        var wb = original
        // A tensor whose rows and columns are both in s (a map inside a residual stream) enters twice,
        // each term with the current permutation on its other axis, as in Git Re-Basin.
        var total: Matrix<Double>?
        if axes.rowSpace == s {
            // B's column blocks permuted by their space, then A·Bᵀ over each row's entries.
            if let other = axes.columnSpace, let p = permutations[other] {
                let source = wb
                wb = .generated(rows: rows, columns: columns) { r, c in source[r, p[c / block] * block + c % block] }
            }
            total = Matrix.product(wa, wb, transposeB: .transposed)
        }
        if axes.columnSpace == s {
            // Regrouped so that row i holds column block i of every row; B's rows permuted by theirs.
            var rowsB = original
            if let other = axes.rowSpace, let p = permutations[other] {
                let source = rowsB
                rowsB = .generated(rows: rows, columns: columns) { r, c in source[p[r], c] }
            }
            let regroup = { (m: Matrix<Double>) in
                Matrix<Double>.generated(rows: units, columns: rows * block) { i, k in
                    m[k / block, i * block + k % block]
                }
            }
            let term = Matrix.product(regroup(wa), regroup(rowsB), transposeB: .transposed)
            if total == nil { total = term } else { total!.add(term) }
        }
        return total!
    }

    static func innerProduct(_ a: ParameterVector<Double>, _ b: ParameterVector<Double>, count: Int) -> Double {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in (0..<count).reduce(0) { $0 + x[$1] * y[$1] } }
        }
    }
}

extension Matrix {
    /// The rows × columns matrix of entry(r, c).
    fileprivate static func generated(rows: Int, columns: Int, _ entry: (Int, Int) -> Scalar) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for r in 0..<rows { for c in 0..<columns { m[r, c] = entry(r, c) } }
        return m
    }
}
