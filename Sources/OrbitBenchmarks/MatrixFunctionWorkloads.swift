import OrbitKit

/// The matrix exponential and logarithm in Float64 on A = I + 0.5·G/√n, G with i.i.d. standard
/// normal entries (seed 64): eigenvalues fill the disc |z − 1| ≤ 0.5 (circular law), so A is well
/// conditioned and has a real principal logarithm. `benchmarks/reference/matrix_functions.py` times
/// `scipy.linalg.expm` / `scipy.linalg.logm` on the same family — the same distribution and norm,
/// not the same bits (numpy's generator is a different stream), which is what the timing needs.
enum MatrixFunctionWorkloads {
    static let sizes = [64]

    static var all: [Workload] {
        sizes.flatMap { n in
            [
                Workload(name: "expm/n=\(n)", flops: nil) {
                    let a = operand(n)
                    return {
                        let e = try! a.expm()
                        precondition(e.rows == n)
                    }
                },
                Workload(name: "logm/n=\(n)", flops: nil) {
                    let a = operand(n)
                    return {
                        let l = try! a.logm()
                        precondition(l.rows == n)
                    }
                },
            ]
        }
    }

    /// I + 0.5·G/√n.
    static func operand(_ n: Int) -> Matrix<Double> {
        var generator = SeededGenerator(seed: 64)
        var a = Matrix<Double>.normal(
            rows: n, columns: n, standardDeviation: 0.5 / Double(n).squareRoot(), generator: &generator)
        for i in 0..<n { a[i, i] += 1 }
        return a
    }
}
