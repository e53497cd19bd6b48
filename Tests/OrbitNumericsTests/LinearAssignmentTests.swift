import Testing

@testable import OrbitNumerics

// MARK: - References and helpers

/// Entry (i, j) of a matrix as a plain array lookup (the tests build small matrices from arrays).
private func entries(_ m: Matrix<Double>) -> [[Double]] { m.rowArrays }

/// The best total over all injective maps from the smaller side into the larger (brute force);
/// +∞ entries are forbidden, so the result is +∞ when nothing finite exists.
private func bruteForce(_ m: Matrix<Double>, objective: AssignmentObjective = .minimize) -> Double {
    let a = m.rows <= m.columns ? entries(m) : entries(m.transposed())
    let k = a.count
    let n = a.first?.count ?? 0
    let sign = objective == .minimize ? 1.0 : -1.0
    var best = Double.infinity
    var used = [Bool](repeating: false, count: n)
    func extend(_ row: Int, _ partial: Double) {
        if row == k {
            best = min(best, partial)
            return
        }
        for j in 0..<n where !used[j] {
            used[j] = true
            extend(row + 1, partial + sign * a[row][j])
            used[j] = false
        }
    }
    extend(0, 0)
    return sign * best
}

/// The classic O(n²m) Hungarian algorithm with potentials (the e-maxx formulation), minimising; an
/// independent reference. Returns the column of each row; needs rows ≤ columns and finite entries.
private func hungarian(_ a: [[Double]]) -> [Int] {
    let n = a.count
    let m = a[0].count
    precondition(n <= m)
    var u = [Double](repeating: 0, count: n + 1)
    var v = [Double](repeating: 0, count: m + 1)
    var p = [Int](repeating: 0, count: m + 1)  // p[j]: row (1-based) matched to column j
    var way = [Int](repeating: 0, count: m + 1)
    for i in 1...n {
        p[0] = i
        var j0 = 0
        var minv = [Double](repeating: .infinity, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        repeat {
            used[j0] = true
            let i0 = p[j0]
            var delta = Double.infinity
            var j1 = 0
            for j in 1...m where !used[j] {
                let cur = a[i0 - 1][j - 1] - u[i0] - v[j]
                if cur < minv[j] {
                    minv[j] = cur
                    way[j] = j0
                }
                if minv[j] < delta {
                    delta = minv[j]
                    j1 = j
                }
            }
            for j in 0...m {
                if used[j] {
                    u[p[j]] += delta
                    v[j] -= delta
                } else {
                    minv[j] -= delta
                }
            }
            j0 = j1
        } while p[j0] != 0
        repeat {
            let j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
        } while j0 != 0
    }
    var columnOfRow = [Int](repeating: -1, count: n)
    for j in 1...m where p[j] != 0 { columnOfRow[p[j] - 1] = j - 1 }
    return columnOfRow
}

/// The optimal total by the Hungarian reference, for any orientation and objective.
private func hungarianCost(_ m: Matrix<Double>, objective: AssignmentObjective = .minimize) -> Double {
    let oriented = m.rows <= m.columns ? entries(m) : entries(m.transposed())
    let sign = objective == .minimize ? 1.0 : -1.0
    let columns = hungarian(oriented.map { $0.map { sign * $0 } })
    return columns.indices.reduce(0) { $0 + oriented[$1][columns[$1]] }
}

/// Checks that `a` is a valid assignment of `m`: min(rows, columns) pairs sorted by row, distinct
/// rows and columns in range, and `cost` equal to the sum of the chosen entries.
private func expectValid(_ a: Assignment, for m: Matrix<Double>, sourceLocation: SourceLocation = #_sourceLocation) {
    let k = min(m.rows, m.columns)
    #expect(a.rowIndices.count == k, sourceLocation: sourceLocation)
    #expect(a.columnIndices.count == k, sourceLocation: sourceLocation)
    #expect(a.rowIndices == a.rowIndices.sorted(), sourceLocation: sourceLocation)
    #expect(Set(a.rowIndices).count == k && Set(a.columnIndices).count == k, sourceLocation: sourceLocation)
    #expect(a.rowIndices.allSatisfy { (0..<m.rows).contains($0) }, sourceLocation: sourceLocation)
    #expect(a.columnIndices.allSatisfy { (0..<m.columns).contains($0) }, sourceLocation: sourceLocation)
    guard a.rowIndices.count == k, a.columnIndices.count == k else { return }
    let sum = (0..<k).reduce(0.0) { $0 + m[a.rowIndices[$1], a.columnIndices[$1]] }
    #expect(sum == a.cost, sourceLocation: sourceLocation)
}

private func uniform(_ rows: Int, _ columns: Int, seed: UInt64, in range: Range<Double> = 0..<1) -> Matrix<Double> {
    var g = SeededGenerator(seed: seed)
    return .uniform(rows: rows, columns: columns, in: range, generator: &g)
}

/// Integer costs in 0..<levels (many ties).
private func integers(_ rows: Int, _ columns: Int, levels: Int, seed: UInt64) -> Matrix<Double> {
    uniform(rows, columns, seed: seed).map { ($0 * Double(levels)).rounded(.down) }
}

private func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(1, abs(a), abs(b))
}

// MARK: - Optimality

@Test(arguments: 1...8)
func linearAssignmentMatchesBruteForceSquare(n: Int) throws {
    for seed in UInt64(1)...4 {
        let m = uniform(n, n, seed: seed &* 100 &+ UInt64(n))
        for objective in [AssignmentObjective.minimize, .maximize] {
            let a = try LinearAssignment.solve(m, objective: objective)
            expectValid(a, for: m)
            #expect(close(a.cost, bruteForce(m, objective: objective)), "n=\(n) seed=\(seed) \(objective)")
        }
    }
}

@Test func linearAssignmentMatchesBruteForceRectangular() throws {
    let shapes = [(3, 5), (5, 3), (1, 4), (4, 1), (2, 7), (7, 2), (4, 6), (6, 4)]
    for (rows, columns) in shapes {
        for seed in UInt64(1)...4 {
            let m = uniform(rows, columns, seed: seed &* 1000 &+ UInt64(rows * 10 + columns))
            for objective in [AssignmentObjective.minimize, .maximize] {
                let a = try LinearAssignment.solve(m, objective: objective)
                expectValid(a, for: m)
                #expect(close(a.cost, bruteForce(m, objective: objective)), "\(rows)×\(columns) \(objective)")
            }
        }
    }
}

@Test(arguments: [AssignmentObjective.minimize, .maximize])
func linearAssignmentMatchesHungarianAt200(objective: AssignmentObjective) throws {
    let m = uniform(200, 200, seed: 77)
    let a = try LinearAssignment.solve(m, objective: objective)
    expectValid(a, for: m)
    #expect(a.permutation.sorted() == Array(0..<200))
    let reference = hungarianCost(m, objective: objective)
    #expect(close(a.cost, reference), "Orbit \(a.cost), Hungarian \(reference)")
}

@Test func linearAssignmentMatchesHungarianRectangular() throws {
    for (rows, columns) in [(120, 180), (180, 120), (1, 90), (90, 1)] {
        let m = uniform(rows, columns, seed: UInt64(rows * 1000 + columns), in: -3..<5)
        for objective in [AssignmentObjective.minimize, .maximize] {
            let a = try LinearAssignment.solve(m, objective: objective)
            expectValid(a, for: m)
            #expect(close(a.cost, hungarianCost(m, objective: objective)), "\(rows)×\(columns) \(objective)")
        }
    }
}

@Test func linearAssignmentIntegerTies() throws {
    // Few distinct values: many optimal assignments and many exact ties in every phase.
    for n in 2...8 {
        for levels in [1, 2, 3] {
            let m = integers(n, n, levels: levels, seed: UInt64(n * 10 + levels))
            let a = try LinearAssignment.solve(m)
            expectValid(a, for: m)
            #expect(a.cost == bruteForce(m), "n=\(n) levels=\(levels)")
        }
    }
    for (rows, columns, levels) in [(100, 100, 4), (100, 100, 2), (70, 100, 3), (100, 70, 3), (60, 60, 1)] {
        let m = integers(rows, columns, levels: levels, seed: UInt64(rows + columns + levels))
        for objective in [AssignmentObjective.minimize, .maximize] {
            let a = try LinearAssignment.solve(m, objective: objective)
            expectValid(a, for: m)
            #expect(a.cost == hungarianCost(m, objective: objective), "\(rows)×\(columns) levels=\(levels)")
        }
    }
}

@Test func linearAssignmentLargeOffsetAndScale() throws {
    // Costs 10⁹ + small: the prices carry a large common offset, stressing rounding in the phases.
    let m = uniform(120, 120, seed: 5).map { 1e9 + $0 }
    let a = try LinearAssignment.solve(m)
    expectValid(a, for: m)
    #expect(close(a.cost, hungarianCost(m), relative: 1e-12))
    // A rank-one cost (i·j): the optimum pairs large with small (the anti-diagonal).
    let n = 40
    let r = Matrix<Double>(rows: n, columns: n) { out in
        for i in 0..<n { for j in 0..<n { out[i * n + j] = Double((i + 1) * (j + 1)) } }
    }
    let b = try LinearAssignment.solve(r)
    expectValid(b, for: r)
    #expect(b.permutation == Array((0..<n).reversed()))
}

@Test func linearAssignmentMaximizeIsMinimizeOfNegation() throws {
    for (rows, columns) in [(9, 9), (60, 60), (40, 70), (70, 40)] {
        let m = uniform(rows, columns, seed: UInt64(rows * columns), in: -2..<2)
        let maximum = try LinearAssignment.solve(m, objective: .maximize)
        let minimumOfNegation = try LinearAssignment.solve(m.map { -$0 })
        #expect(close(maximum.cost, -minimumOfNegation.cost))
        let minimum = try LinearAssignment.solve(m)
        #expect(minimum.cost <= maximum.cost)
    }
}

// MARK: - Edge cases and errors

@Test func linearAssignmentEmptyAndOne() throws {
    for (rows, columns) in [(0, 0), (0, 3), (3, 0)] {
        let a = try LinearAssignment.solve(Matrix<Double>(rows: rows, columns: columns))
        #expect(a.rowIndices.isEmpty && a.columnIndices.isEmpty && a.cost == 0)
    }
    let one = try LinearAssignment.solve(Matrix([[4.5]]))
    #expect(one == Assignment(rowIndices: [0], columnIndices: [0], cost: 4.5))
    #expect(one.permutation == [0])
    let maxOne = try LinearAssignment.solve(Matrix([[-2.0]]), objective: .maximize)
    #expect(maxOne.cost == -2)
    // A known 3×3 answer (scipy's documentation example): rows 0,1,2 → columns 1,0,2, cost 5.
    let doc = try LinearAssignment.solve(Matrix([[4.0, 1, 3], [2, 0, 5], [3, 2, 2]]))
    #expect(doc.permutation == [1, 0, 2] && doc.cost == 5)
}

@Test func linearAssignmentRejectsNonFinite() {
    var m = uniform(4, 6, seed: 9)
    m[2, 3] = .nan
    m[3, 1] = .nan
    #expect(throws: LinearAlgebraError.nonFinite(operation: "linear assignment", row: 2, column: 3)) {
        try LinearAssignment.solve(m)
    }
    var tall = uniform(5, 3, seed: 10)
    tall[4, 0] = -.infinity
    #expect(throws: LinearAlgebraError.nonFinite(operation: "linear assignment", row: 4, column: 0)) {
        try LinearAssignment.solve(tall)
    }
    var plus = uniform(3, 3, seed: 11)
    plus[1, 2] = .infinity
    #expect(throws: LinearAlgebraError.nonFinite(operation: "linear assignment", row: 1, column: 2)) {
        try LinearAssignment.solve(plus, objective: .maximize)
    }
    #expect(throws: LinearAlgebraError.self) {
        try [1.0, 2, 3].withUnsafeBufferPointer { try LinearAssignment.solve(cost: $0, rows: 2, columns: 2) }
    }
}

@Test func linearAssignmentInfeasible() {
    let inf = Double.infinity
    let patterns: [[[Double]]] = [
        [[1, inf, inf], [2, inf, inf], [3, 4, 5]],  // two rows can only use column 0
        [[inf, inf], [1, 2]],  // a row with no allowed entry
        [[1, inf], [2, inf]],  // a column with no allowed entry (square)
        [[1, inf, inf], [2, inf, inf]],  // 2×3, both rows need column 0
        [[1, 2], [inf, inf], [inf, inf]],  // 3×2 (transposed): both columns need row 0
        [[inf]],
    ]
    for p in patterns {
        #expect(throws: LinearAlgebraError.infeasibleAssignment, "\(p)") { try LinearAssignment.solve(Matrix(p)) }
    }
    #expect(throws: LinearAlgebraError.infeasibleAssignment) {
        try LinearAssignment.solve(Matrix([[-inf, 1], [-inf, 2]]), objective: .maximize)
    }
}

@Test func linearAssignmentWithForbiddenEntries() throws {
    let inf = Double.infinity
    // The only complete assignment avoiding +∞: rows 0, 1, 2 → columns 1, 2, 0.
    let m = Matrix([[inf, 1, inf], [5, inf, 2], [1, inf, inf]])
    let a = try LinearAssignment.solve(m)
    #expect(a.permutation == [1, 2, 0] && a.cost == 4)
    // Maximising with −∞ forbidden.
    let b = try LinearAssignment.solve(m.map { $0 == inf ? -inf : -$0 }, objective: .maximize)
    #expect(b.permutation == [1, 2, 0] && b.cost == -4)
    // Random instances with about a third of the entries forbidden, against brute force.
    for n in [4, 6, 7] {
        for seed in UInt64(1)...5 {
            var g = SeededGenerator(seed: seed &+ 500)
            let rows = n
            let columns = seed % 2 == 0 ? n : n + 1
            let f = Matrix<Double>(rows: rows, columns: columns) { out in
                for k in 0..<out.count { out[k] = g.nextUnitDouble() < 0.35 ? inf : g.nextUnitDouble() }
            }
            let best = bruteForce(f)
            if best == inf {
                #expect(throws: LinearAlgebraError.infeasibleAssignment) { try LinearAssignment.solve(f) }
            } else {
                let s = try LinearAssignment.solve(f)
                expectValid(s, for: f)
                #expect(close(s.cost, best))
                // The same problem transposed (rows > columns) must agree.
                #expect(close(try LinearAssignment.solve(f.transposed()).cost, best))
            }
        }
    }
    // A larger sparse-ish feasible instance against the Hungarian reference with big finite costs
    // in place of +∞ (the optimum avoids them whenever a finite assignment exists).
    let n = 100
    var g = SeededGenerator(seed: 42)
    let sparse = Matrix<Double>(rows: n, columns: n) { out in
        for i in 0..<n {
            for j in 0..<n { out[i * n + j] = (i == j || g.nextUnitDouble() < 0.1) ? g.nextUnitDouble() : inf }
        }
    }
    let s = try LinearAssignment.solve(sparse)
    expectValid(s, for: sparse)
    #expect(close(s.cost, hungarianCost(sparse.map { $0 == inf ? 1e6 : $0 })))
}

@Test func linearAssignmentBufferAPIMatchesMatrixAPI() throws {
    let m = uniform(30, 45, seed: 3)
    let fromMatrix = try LinearAssignment.solve(m, objective: .maximize)
    let fromBuffer = try m.withUnsafeBufferPointer { b throws(LinearAlgebraError) in
        try LinearAssignment.solve(cost: b, rows: 30, columns: 45, objective: .maximize)
    }
    #expect(fromMatrix == fromBuffer)
}

// MARK: - The phases separately

/// Runs the solver core with or without its initialisation phases; the total of the chosen entries,
/// or nil when infeasible.
private func coreCost(_ m: Matrix<Double>, initialize: Bool) -> Double? {
    precondition(m.rows <= m.columns)
    var columns = [Int](repeating: -1, count: m.rows)
    let feasible = m.withUnsafeBufferPointer { c in
        columns.withUnsafeMutableBufferPointer { x in
            JonkerVolgenant.solve(
                cost: c.baseAddress!, rows: m.rows, columns: m.columns, assignment: x.baseAddress!,
                initialize: initialize)
        }
    }
    guard feasible else { return nil }
    #expect(Set(columns).count == m.rows && columns.allSatisfy { (0..<m.columns).contains($0) })
    return columns.indices.reduce(0) { $0 + m[$1, columns[$1]] }
}

@Test func linearAssignmentAugmentationAloneIsOptimal() throws {
    // Without phases 1–3 every row goes through the Dijkstra phase, so its price updates and path
    // flips carry the whole solution.
    for (rows, columns, seed) in [(150, 150, UInt64(1)), (90, 130, 2), (60, 60, 3)] {
        let m = uniform(rows, columns, seed: seed)
        let reference = hungarianCost(m)
        for initialize in [false, true] {
            let cost = try #require(coreCost(m, initialize: initialize))
            #expect(close(cost, reference), "\(rows)×\(columns) initialize=\(initialize)")
        }
    }
    let ties = integers(120, 120, levels: 3, seed: 8)
    #expect(coreCost(ties, initialize: false) == hungarianCost(ties))
    let inf = Double.infinity
    #expect(coreCost(Matrix([[1, inf, inf], [2, inf, inf], [3, 4, 5]]), initialize: false) == nil)
}

// MARK: - Warm start

/// Prices carried from one solve to the next (as weight matching's coordinate descent does) never
/// change the optimum: brute force on small matrices, the Hungarian reference at 200, for a matrix
/// perturbed a little, perturbed completely, with integer ties, and with prices of another size or
/// objective (ignored: a cold start).
@Test func linearAssignmentWarmStartKeepsTheOptimum() throws {
    for n in [1, 2, 5, 7] {
        for objective in [AssignmentObjective.minimize, .maximize] {
            var prices: AssignmentPrices? = nil
            var m = uniform(n, n, seed: UInt64(300 + n))
            for step in 0..<4 {
                let a = try LinearAssignment.solve(m, objective: objective, prices: &prices)
                expectValid(a, for: m)
                #expect(close(a.cost, bruteForce(m, objective: objective)), "n=\(n) step \(step) \(objective)")
                #expect(prices != nil)
                m = m + 0.1 * uniform(n, n, seed: UInt64(400 + 10 * n + step))
            }
        }
    }
    var prices: AssignmentPrices? = nil
    let base = uniform(200, 200, seed: 91)
    for (k, next) in [
        base, base + 0.01 * uniform(200, 200, seed: 92), uniform(200, 200, seed: 93),
        integers(200, 200, levels: 4, seed: 94),
    ].enumerated() {
        let warm = try LinearAssignment.solve(next, objective: .maximize, prices: &prices)
        let cold = try LinearAssignment.solve(next, objective: .maximize)
        expectValid(warm, for: next)
        #expect(close(warm.cost, hungarianCost(next, objective: .maximize)), "step \(k)")
        #expect(close(warm.cost, cold.cost), "step \(k)")
    }
    // Prices of another objective or size are not used.
    let small = uniform(6, 6, seed: 95)
    let other = try LinearAssignment.solve(small, objective: .minimize, prices: &prices)
    #expect(close(other.cost, bruteForce(small)))
    let rectangular = uniform(4, 6, seed: 96)
    var none: AssignmentPrices? = nil
    let r = try LinearAssignment.solve(rectangular, prices: &none)
    #expect(close(r.cost, bruteForce(rectangular)) && none == nil)
}
