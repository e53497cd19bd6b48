import OrbitKit

/// Dense linear assignment on uniform [0, 1) square costs, the matrix family of
/// `benchmarks/reference/assignment.py` (which times `scipy.optimize.linear_sum_assignment`).
/// Goal: Orbit's median ≤ scipy's.
enum AssignmentWorkloads {
    static let sizes = [512, 1024, 2048]

    static var all: [Workload] {
        sizes.map { n in
            Workload(name: "assignment/n=\(n)", flops: nil) {
                var generator = SeededGenerator(seed: 2024)
                let cost = Matrix<Double>.uniform(rows: n, columns: n, in: 0..<1, generator: &generator)
                return {
                    let assignment = try! LinearAssignment.solve(cost)
                    precondition(assignment.columnIndices.count == n)
                }
            }
        }
    }
}
