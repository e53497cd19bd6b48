/// Whether an assignment should make the total cost as small or as large as possible.
public enum AssignmentObjective: Sendable, Hashable {
    case minimize
    case maximize
}

/// An optimal assignment: the pairs `(rowIndices[k], columnIndices[k])`, sorted by row.
///
/// There are `min(rows, columns)` pairs, as in `scipy.optimize.linear_sum_assignment`: every row is
/// assigned when `rows ≤ columns`, every column when `rows ≥ columns`.
public struct Assignment: Sendable, Equatable {
    public let rowIndices: [Int]
    public let columnIndices: [Int]
    /// The total of the chosen entries, with the sign of the original matrix (also when maximising).
    public let cost: Double

    /// The column assigned to each row: `permutation[i]` is row `i`'s column. Requires every row to
    /// be assigned (`rows ≤ columns`); for a square problem this is a permutation of `0..<n`.
    public var permutation: [Int] {
        precondition(
            rowIndices.indices.allSatisfy { rowIndices[$0] == $0 },
            "permutation needs every row assigned (rows ≤ columns); use rowIndices/columnIndices")
        return columnIndices
    }
}

/// The column prices (dual variables) of a solved square assignment problem, in the solver's internal
/// minimising orientation: opaque, to warm-start ``LinearAssignment/solve(_:objective:prices:)`` on a
/// similar matrix of the same size and objective.
public struct AssignmentPrices: Sendable, Equatable {
    let objective: AssignmentObjective
    let values: [Double]
}

/// Dense linear assignment (the linear sum assignment problem): choose one entry in each row and
/// column of a cost matrix — `min(rows, columns)` entries — with the smallest (or largest) total.
///
/// This is the engine of permutation alignment: matching the hidden units of two networks is an
/// assignment problem on their similarity matrix.
///
/// Semantics follow `scipy.optimize.linear_sum_assignment`: rectangular and empty matrices are
/// allowed; `+∞` (when minimising; `−∞` when maximising) marks a forbidden pair; NaN and `−∞`
/// (`+∞` when maximising) are rejected. The solver is Jonker–Volgenant's shortest augmenting path
/// algorithm with its initialisation phases (see `JonkerVolgenant`), exact up to floating-point
/// rounding of the dual prices, in O(n³) worst-case time and O(n) extra memory beyond at most one
/// copy of the matrix (made only when maximising or when `rows > columns`).
public enum LinearAssignment {
    static let operation = "linear assignment"

    /// Solves the assignment problem on `cost`.
    ///
    /// - Throws: ``LinearAlgebraError/nonFinite(operation:row:column:)`` for a NaN entry or an
    ///   infinity of the wrong sign (the first in row-major order);
    ///   ``LinearAlgebraError/infeasibleAssignment`` when forbidden entries leave no complete
    ///   assignment.
    public static func solve(
        _ cost: Matrix<Double>, objective: AssignmentObjective = .minimize
    ) throws(LinearAlgebraError) -> Assignment {
        let result: Result<Assignment, LinearAlgebraError> = cost.withUnsafeBufferPointer { buffer in
            Result { () throws(LinearAlgebraError) in
                try solve(cost: buffer, rows: cost.rows, columns: cost.columns, objective: objective)
            }
        }
        return try result.get()
    }

    /// Solves the assignment problem on a row-major `rows × columns` buffer; see
    /// ``solve(_:objective:)``.
    ///
    /// - Throws: also ``LinearAlgebraError/dimensionMismatch(operation:detail:)`` when the buffer
    ///   does not hold `rows · columns` entries.
    public static func solve(
        cost: UnsafeBufferPointer<Double>, rows: Int, columns: Int, objective: AssignmentObjective = .minimize
    ) throws(LinearAlgebraError) -> Assignment {
        try solve(cost: cost, rows: rows, columns: columns, objective: objective, prices: nil)
    }

    /// Solves the assignment problem on a square `cost`, starting from the dual prices of an earlier
    /// solve (``AssignmentPrices``; nil, or prices of another size or objective: a cold start) and
    /// leaving this solve's prices in `prices`. The assignment is optimal whatever the prices
    /// (``JonkerVolgenant``); near-optimal prices only make it faster — coordinate descent solves each
    /// group again after its neighbours moved a little (``WeightMatching``-style alignment).
    public static func solve(
        _ cost: Matrix<Double>, objective: AssignmentObjective = .minimize, prices: inout AssignmentPrices?
    ) throws(LinearAlgebraError) -> Assignment {
        let n = cost.columns
        var values =
            prices.flatMap { $0.objective == objective && $0.values.count == n && cost.rows == n ? $0.values : nil }
        let warm = values != nil
        if values == nil { values = [Double](repeating: 0, count: n) }
        let result: Result<Assignment, LinearAlgebraError> = cost.withUnsafeBufferPointer { buffer in
            values!.withUnsafeMutableBufferPointer { v in
                Result { () throws(LinearAlgebraError) in
                    try solve(
                        cost: buffer, rows: cost.rows, columns: cost.columns, objective: objective,
                        prices: (v.baseAddress!, warm))
                }
            }
        }
        let assignment = try result.get()
        prices = cost.rows == n ? AssignmentPrices(objective: objective, values: values!) : nil
        return assignment
    }

    private static func solve(
        cost: UnsafeBufferPointer<Double>, rows: Int, columns: Int, objective: AssignmentObjective,
        prices: (values: UnsafeMutablePointer<Double>, warm: Bool)?
    ) throws(LinearAlgebraError) -> Assignment {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, cost.count == count else {
            throw .dimensionMismatch(
                operation: operation, detail: "\(cost.count) entries for a \(rows)×\(columns) cost matrix")
        }
        if rows == 0 || columns == 0 { return Assignment(rowIndices: [], columnIndices: [], cost: 0) }
        let base = cost.baseAddress!
        try validate(base, count: count, columns: columns, objective: objective)

        // Orient to rows ≤ columns and minimisation, copying at most once.
        let transposed = rows > columns
        let orientedRows = min(rows, columns)
        let orientedColumns = max(rows, columns)
        let oriented: UnsafeMutablePointer<Double>?
        if transposed || objective == .maximize {
            let copy = UnsafeMutablePointer<Double>.allocate(capacity: count)
            if transposed {
                transpose(base, rows: rows, columns: columns, into: copy, negate: objective == .maximize)
            } else {
                for k in 0..<count { copy[k] = -base[k] }
            }
            oriented = copy
        } else {
            oriented = nil
        }
        defer { oriented?.deallocate() }

        var assigned = [Int](repeating: -1, count: orientedRows)
        let feasible = assigned.withUnsafeMutableBufferPointer { x in
            JonkerVolgenant.solve(
                cost: UnsafePointer(oriented) ?? base, rows: orientedRows, columns: orientedColumns,
                assignment: x.baseAddress!, prices: transposed ? nil : prices?.values, warm: prices?.warm ?? false)
        }
        guard feasible else { throw .infeasibleAssignment }

        let rowIndices: [Int]
        let columnIndices: [Int]
        if transposed {
            // assigned[c] is the original row of original column c; list the pairs by row.
            var columnOfRow = [Int](repeating: -1, count: rows)
            for c in 0..<columns { columnOfRow[assigned[c]] = c }
            rowIndices = (0..<rows).filter { columnOfRow[$0] >= 0 }
            columnIndices = rowIndices.map { columnOfRow[$0] }
        } else {
            rowIndices = Array(0..<rows)
            columnIndices = assigned
        }
        var total = 0.0
        for k in rowIndices.indices { total += base[rowIndices[k] * columns + columnIndices[k]] }
        return Assignment(rowIndices: rowIndices, columnIndices: columnIndices, cost: total)
    }

    /// Throws for the first NaN, or infinity of the forbidden sign, in row-major order.
    private static func validate(
        _ base: UnsafePointer<Double>, count: Int, columns: Int, objective: AssignmentObjective
    ) throws(LinearAlgebraError) {
        // The allowed infinity (+∞ when minimising) is the only non-finite value that passes.
        let allowed = objective == .minimize ? Double.infinity : -Double.infinity
        // A branch-free (vectorised) screen first: a non-finite double has all exponent bits set.
        let exponent: UInt64 = 0x7FF0_0000_0000_0000
        var nonFinite: UInt64 = 0
        for k in 0..<count { nonFinite |= base[k].bitPattern & exponent == exponent ? 1 : 0 }
        if nonFinite == 0 { return }
        for k in 0..<count where !base[k].isFinite && base[k] != allowed {
            throw .nonFinite(operation: operation, row: k / columns, column: k % columns)
        }
    }

    /// Writes the (optionally negated) transpose of a row-major `rows × columns` matrix, in tiles so
    /// both sides are read and written in cache-sized blocks.
    private static func transpose(
        _ source: UnsafePointer<Double>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Double>,
        negate: Bool
    ) {
        let sign = negate ? -1.0 : 1.0
        let tile = 32
        for i0 in stride(from: 0, to: rows, by: tile) {
            for j0 in stride(from: 0, to: columns, by: tile) {
                for i in i0..<min(i0 + tile, rows) {
                    for j in j0..<min(j0 + tile, columns) { target[j * rows + i] = sign * source[i * columns + j] }
                }
            }
        }
    }
}
