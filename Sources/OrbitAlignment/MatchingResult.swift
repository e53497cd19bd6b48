import OrbitNetworks
import OrbitNumerics

/// The outcome of a matching method: one permutation per group, the value of the method's objective
/// at that permutation, the number of coordinate-descent sweeps (1 for one-pass methods) and the method.
public struct MatchingResult: Sendable {
    public var permutations: Permutations
    /// The matched objective (larger is better for weight/activation/Σ matching; the transport cost,
    /// smaller is better, for OT — see each method).
    public var objective: Double
    public var sweeps: Int
    public var method: String
    /// The objective after each sweep (coordinate-descent methods), in order.
    public var objectiveHistory: [Double]

    public init(
        permutations: Permutations, objective: Double, sweeps: Int, method: String, objectiveHistory: [Double] = []
    ) {
        self.permutations = permutations
        self.objective = objective
        self.sweeps = sweeps
        self.method = method
        self.objectiveHistory = objectiveHistory
    }
}

/// A deterministic Fisher–Yates shuffle of 0..<n driven by `generator.next() % (i + 1)` — written out so
/// the reference implementation (benchmarks/reference/alignment.py) can reproduce the same order.
func fisherYates(_ n: Int, _ generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<n)
    var i = n - 1
    while i > 0 {
        let j = Int(generator.next() % UInt64(i + 1))
        order.swapAt(i, j)
        i -= 1
    }
    return order
}

/// Solves a maximisation assignment, mapping solver failures to ``AlignmentError``.
func assignMaximum(_ cost: Matrix<Double>, group: String) throws(AlignmentError) -> (permutation: [Int], value: Double)
{
    var cold: AssignmentPrices? = nil
    return try assignMaximum(cost, group: group, prices: &cold)
}

/// The same, warm-started from (and leaving) the group's dual prices of its previous solve.
func assignMaximum(_ cost: Matrix<Double>, group: String, prices: inout AssignmentPrices?) throws(AlignmentError)
    -> (permutation: [Int], value: Double)
{
    do {
        let a = try LinearAssignment.solve(cost, objective: .maximize, prices: &prices)
        return (a.permutation, a.cost)
    } catch {
        throw .numerics(error)
    }
}

/// Σ_i cost[i, perm[i]].
func assignmentValue(_ cost: Matrix<Double>, _ perm: [Int]) -> Double {
    cost.withUnsafeBufferPointer { c in
        var total = 0.0
        for (i, j) in perm.enumerated() { total += c[i * cost.columns + j] }
        return total
    }
}
