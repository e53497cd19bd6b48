/// The Jonker–Volgenant shortest augmenting path solver (LAPJV; R. Jonker and A. Volgenant, "A
/// shortest augmenting path algorithm for dense and sparse linear assignment problems", Computing
/// 38, 1987), for ``LinearAssignment``.
///
/// Input: a row-major `rows × columns` cost matrix with `rows ≤ columns` whose entries are finite or
/// `+∞` (forbidden); it is minimised. ``LinearAssignment`` validates, orients and negates first.
///
/// Duals: the solver keeps column prices `v`; a row's dual is implicit, `u[i] = c[i][x[i]] − v[x[i]]`,
/// and every phase keeps each assigned row on a column minimising its reduced cost `c[i][j] − v[j]`
/// (complementary slackness), so the final assignment is optimal. Phases:
/// 1. column reduction (square only): `v[j] = min_i c[i][j]`; a row that is the minimum of some
///    columns takes one of them;
/// 2. reduction transfer (square only): a row that was the minimum of exactly one column lowers that
///    column's price by its slack to its second-best column;
/// 3. augmenting row reduction, two passes: each free row takes its cheapest column, lowering the
///    price so that the column is only as attractive as the row's second choice, and evicts the
///    previous owner, who bids next (an auction with the largest sound increment);
/// 4. augmentation: from each row still free, Dijkstra's algorithm over the columns on reduced costs
///    to the nearest free column, then the price update and the flip of the alternating path.
///
/// For `rows < columns`, phases 1–2 are skipped and prices start at 0: free columns then keep price
/// 0 and assigned ones have price ≤ 0, the dual conditions of the rectangular problem, and phases 3–4
/// solve it exactly (phase 4 alone is Crouse's rectangular algorithm, which SciPy uses).
///
/// The work is a one-row scan (O(columns)) per step of phase 3 and per Dijkstra step of phase 4;
/// the Dijkstra step is one dense, vectorised pass that relaxes all columns and finds the next
/// minimum at once. One workspace of O(columns) is allocated per call; the loops use raw pointers.
enum JonkerVolgenant {
    /// Phase 3 follows an eviction chain at most this far before leaving the evicted row to the next
    /// pass (and then to phase 4). Long chains are where the auction crawls — and, in floating
    /// point, where a price decrease absorbed by rounding could let two rows evict each other
    /// forever. On uniform random costs any limit from 16 to 64 does equally well.
    static let chainLimit = 32

    /// Writes the optimal column of each row to `assignment` (`rows` entries) and returns `true`, or
    /// returns `false` when no assignment with finite cost exists. `initialize: false` skips phases
    /// 1–3 (plain shortest augmenting paths; for tests).
    ///
    /// Warm start (square problems): `prices`, when given with `warm`, holds column prices to start
    /// from instead of phases 1–2 — any prices are sound, since every row starts free and phases 3–4
    /// keep each assigned row on a column of least reduced cost whatever the prices; prices close to
    /// optimal (those of a previous, similar matrix) leave little for phases 3–4 to do. When `prices`
    /// is given, the final prices are written to it.
    static func solve(
        cost: UnsafePointer<Double>, rows: Int, columns: Int, assignment x: UnsafeMutablePointer<Int>,
        initialize: Bool = true, prices: UnsafeMutablePointer<Double>? = nil, warm: Bool = false
    ) -> Bool {
        precondition(0 <= rows && rows <= columns, "JonkerVolgenant needs rows ≤ columns")
        if rows == 0 { return true }
        let doubles = UnsafeMutablePointer<Double>.allocate(capacity: 3 * columns)
        let ints = UnsafeMutablePointer<Int>.allocate(capacity: 2 * columns + 2 * rows)
        let pred = UnsafeMutablePointer<Int64>.allocate(capacity: columns)
        defer {
            doubles.deallocate()
            ints.deallocate()
            pred.deallocate()
        }
        let w = Workspace(
            cost: cost, rows: rows, columns: columns, x: x, y: ints, v: doubles, d: doubles + columns,
            pred: pred, scanned: ints + columns, scannedPrice: doubles + 2 * columns,
            free: ints + 2 * columns, matches: ints + 2 * columns + rows)
        var freeCount: Int
        defer { if let prices { prices.update(from: w.v, count: columns) } }
        if let prices, warm, rows == columns, initialize {
            w.v.update(from: prices, count: columns)
            w.y.initialize(repeating: -1, count: columns)
            x.initialize(repeating: -1, count: rows)
            for i in 0..<rows { w.free[i] = i }
            freeCount = rows
        } else if rows == columns && initialize {
            guard let count = w.reduceColumns() else { return false }
            freeCount = count
        } else {
            w.v.initialize(repeating: 0, count: columns)
            w.y.initialize(repeating: -1, count: columns)
            x.initialize(repeating: -1, count: rows)
            for i in 0..<rows { w.free[i] = i }
            freeCount = rows
        }
        for _ in 0..<2 where freeCount > 0 && initialize {
            guard let count = w.augmentingRowReduction(freeCount: freeCount) else { return false }
            freeCount = count
        }
        for f in 0..<freeCount {
            guard w.augment(from: w.free[f]) else { return false }
        }
        return true
    }

    /// Pointers into the workspace. Arrays of length `columns` unless marked otherwise.
    struct Workspace {
        let cost: UnsafePointer<Double>
        let rows: Int
        let columns: Int
        /// Column of each row (`rows` entries), −1 if free.
        let x: UnsafeMutablePointer<Int>
        /// Row of each column, −1 if free.
        let y: UnsafeMutablePointer<Int>
        /// Column prices.
        let v: UnsafeMutablePointer<Double>
        /// Phase 4: tentative distances of the unscanned columns (+∞ once scanned).
        let d: UnsafeMutablePointer<Double>
        /// Phase 4: the row through which each column was reached.
        let pred: UnsafeMutablePointer<Int64>
        /// Phase 4: scanned columns in order, and price + distance of each when it was scanned.
        let scanned: UnsafeMutablePointer<Int>
        let scannedPrice: UnsafeMutablePointer<Double>
        /// Free rows (`rows` entries).
        let free: UnsafeMutablePointer<Int>
        /// Phase 1: how many columns have each row as their minimum (`rows` entries).
        let matches: UnsafeMutablePointer<Int>

        @inline(__always)
        func row(_ i: Int) -> UnsafePointer<Double> { cost + i * columns }

        /// Phases 1 and 2 (square problems). Returns the number of free rows, or nil when a column
        /// is entirely +∞.
        func reduceColumns() -> Int? {
            let n = columns
            // Column minima, read row by row so the matrix streams contiguously; ties go to the
            // lowest row, as in the column-wise original.
            let first = row(0)
            for j in 0..<n {
                v[j] = first[j]
                y[j] = 0
            }
            for i in 1..<n {
                let r = row(i)
                for j in 0..<n where r[j] < v[j] {
                    v[j] = r[j]
                    y[j] = i
                }
            }
            matches.initialize(repeating: 0, count: n)
            x.initialize(repeating: -1, count: n)
            for j in stride(from: n - 1, through: 0, by: -1) {
                if v[j] == .infinity { return nil }
                let i = y[j]
                if matches[i] == 0 {
                    x[i] = j
                } else {
                    y[j] = -1
                }
                matches[i] += 1
            }
            // Reduction transfer; other rows are free or keep a column of reduced cost 0.
            var freeCount = 0
            for i in 0..<n {
                if matches[i] == 0 {
                    free[freeCount] = i
                    freeCount += 1
                } else if matches[i] == 1 {
                    let j1 = x[i]
                    let r = row(i)
                    var slack = Double.infinity
                    for j in 0..<j1 { slack = Swift.min(slack, r[j] - v[j]) }
                    for j in (j1 + 1)..<n { slack = Swift.min(slack, r[j] - v[j]) }
                    if slack < .infinity { v[j1] -= slack }
                }
            }
            return freeCount
        }

        /// Phase 3: one pass over `free[0..<freeCount]`. Returns the number of rows left free (now
        /// in `free`), or nil when a row is entirely +∞.
        func augmentingRowReduction(freeCount current: Int) -> Int? {
            let m = columns
            // free[k..<current] is this pass's work list; free[0..<next] collects the rows left for
            // the next pass. A row evicted mid-chain is put back at free[k − 1]. Each processed
            // row adds at most one row to either list, so next < k whenever one is added.
            var k = 0
            var next = 0
            var chain = 0
            while k < current {
                let i = free[k]
                k += 1
                // The cheapest and second-cheapest reduced costs of row i.
                let r = row(i)
                var umin = r[0] - v[0]
                var usubmin = Double.infinity
                var j1 = 0
                var j2 = -1
                for j in 1..<m {
                    let h = r[j] - v[j]
                    if h < usubmin {
                        if h >= umin {
                            usubmin = h
                            j2 = j
                        } else {
                            usubmin = umin
                            umin = h
                            j2 = j1
                            j1 = j
                        }
                    }
                }
                if umin == .infinity { return nil }
                var i0 = y[j1]
                // With a finite second choice, lowering the price of j1 to it keeps j1 optimal for
                // row i and makes every other row's reduced cost of j1 larger.
                let raised = umin < usubmin && usubmin < .infinity
                if raised {
                    v[j1] -= usubmin - umin
                } else if umin == usubmin && i0 >= 0 {
                    // A tie: take the equally cheap second column, which may be free.
                    j1 = j2
                    i0 = y[j2]
                }
                x[i] = j1
                y[j1] = i
                guard i0 >= 0 else {
                    chain = 0
                    continue
                }
                x[i0] = -1
                chain += 1
                if raised && chain < JonkerVolgenant.chainLimit {
                    k -= 1
                    free[k] = i0
                } else {
                    chain = 0
                    free[next] = i0
                    next += 1
                }
            }
            return next
        }

        /// Phase 4: the shortest augmenting path from `freeRow`, the price update and the flip.
        /// Returns false when no free column can be reached at finite cost.
        func augment(from freeRow: Int) -> Bool {
            d.update(repeating: .infinity, count: columns)
            // Distances from the free row itself: its reduced costs (offset 0).
            var (minimum, column) = relax(through: freeRow, offset: 0)
            var scannedCount = 0
            while true {
                if minimum == .infinity { return false }
                let owner = y[column]
                if owner < 0 { break }
                // Scan the column: fix its distance, and reach the others through its owner, whose
                // reduced cost to it is `minimum` more than its own dual (offset below).
                let offset = row(owner)[column] - v[column] - minimum
                scanned[scannedCount] = column
                scannedPrice[scannedCount] = v[column] + minimum
                scannedCount += 1
                // Park the scanned column: with price −∞ it can never be relaxed again, and with
                // distance +∞ it can never be the minimum again. Its price is restored below.
                v[column] = -.infinity
                d[column] = .infinity
                (minimum, column) = relax(through: owner, offset: offset)
            }
            // Prices of scanned columns move by (distance − final distance) ≤ 0; the others keep
            // theirs, so reduced costs along the path become 0 and stay ≥ 0 elsewhere.
            for k in 0..<scannedCount { v[scanned[k]] = scannedPrice[k] - minimum }
            var j = column
            while true {
                let i = Int(pred[j])
                y[j] = i
                let following = x[i]
                x[i] = j
                if i == freeRow { break }
                j = following
            }
            return true
        }

        /// Relaxes every column through row `i` — `d[j] = min(d[j], c[i][j] − v[j] − offset)`,
        /// recording `i` as the predecessor where it improves — and returns the smallest `d[j]`
        /// with its column (the lowest such column on ties).
        @inline(__always)
        func relax(through i: Int, offset: Double) -> (minimum: Double, column: Int) {
            typealias Lanes = SIMD4<Double>
            let r = row(i)
            let offsets = Lanes(repeating: offset)
            let owner = SIMD4<Int64>(repeating: Int64(i))
            var best = Lanes(repeating: .infinity)
            var bestIndex = SIMD4<Int64>(repeating: 0)
            var index = SIMD4<Int64>(0, 1, 2, 3)
            var j = 0
            while j &+ 4 <= columns {
                let candidate =
                    UnsafeRawPointer(r + j).loadUnaligned(as: Lanes.self)
                    - UnsafeRawPointer(v + j).loadUnaligned(as: Lanes.self) - offsets
                var distance = UnsafeRawPointer(d + j).loadUnaligned(as: Lanes.self)
                let improved = candidate .< distance
                if any(improved) {
                    distance.replace(with: candidate, where: improved)
                    UnsafeMutableRawPointer(d + j).storeBytes(of: distance, as: Lanes.self)
                    var p = UnsafeRawPointer(pred + j).loadUnaligned(as: SIMD4<Int64>.self)
                    p.replace(with: owner, where: improved)
                    UnsafeMutableRawPointer(pred + j).storeBytes(of: p, as: SIMD4<Int64>.self)
                }
                let lower = distance .< best
                best.replace(with: distance, where: lower)
                bestIndex.replace(with: index, where: lower)
                index &+= 4
                j &+= 4
            }
            var minimum = Double.infinity
            var column = 0
            for lane in 0..<4
            where best[lane] < minimum || (best[lane] == minimum && Int(bestIndex[lane]) < column) {
                minimum = best[lane]
                column = Int(bestIndex[lane])
            }
            while j < columns {
                let candidate = r[j] - v[j] - offset
                if candidate < d[j] {
                    d[j] = candidate
                    pred[j] = Int64(i)
                }
                if d[j] < minimum {
                    minimum = d[j]
                    column = j
                }
                j &+= 1
            }
            return (minimum, column)
        }
    }
}
