import ArgumentParser
import Foundation
import OrbitKit

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the numerics backend, threads and data, and check the numerical core end to end.",
        discussion:
            "Each check computes something with a known answer and prints the error and the time; any failure exits non-zero."
    )

    @OptionGroup var global: GlobalOptions

    struct Check {
        let name: String
        let detail: String
        let passed: Bool
        let seconds: Double
    }

    func run() throws {
        global.apply()
        print("orbit \(orbitVersion)")
        print("backend: \(BLASBackend.description)")
        print("threads: \(Threading.threadCount) (cores: \(ProcessInfo.processInfo.activeProcessorCount))")
        let fashion = FileManager.default.fileExists(
            atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
        print(
            "fashion-mnist: "
                + (fashion
                    ? "/usr/share/datasets/fashion-mnist" : "not installed (apt-get install dataset-fashion-mnist)"))
        print("")
        let checks = try [
            gemmCheck(), determinantCheck(), matrixFunctionCheck(), polarCheck(), assignmentCheck(), gradientCheck(),
        ]
        for c in checks {
            print(
                "\(c.passed ? "ok  " : "FAIL") \(c.name.padding(toLength: 38, withPad: " ", startingAt: 0)) \(c.detail)  [\(String(format: "%.1f", c.seconds * 1e3)) ms]"
            )
        }
        let failed = checks.filter { !$0.passed }.count
        print(failed == 0 ? "\nall \(checks.count) checks passed" : "\n\(failed) of \(checks.count) checks failed")
        if failed > 0 { throw ExitCode.failure }
    }

    func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = Date()
        let value = try body()
        return (value, Date().timeIntervalSince(start))
    }

    /// sgemm 512³ through Orbit's wrapper: throughput, and a block checked against a Double loop.
    func gemmCheck() -> Check {
        var g = SeededGenerator(seed: 1)
        let a = Matrix<Float>.uniform(rows: 512, columns: 512, in: -1..<1, generator: &g)
        let b = Matrix<Float>.uniform(rows: 512, columns: 512, in: -1..<1, generator: &g)
        _ = a * b
        let (c, seconds) = timed { a * b }
        var worst = 0.0
        for i in stride(from: 0, to: 512, by: 37) {
            for j in stride(from: 0, to: 512, by: 41) {
                var s = 0.0
                for k in 0..<512 { s += Double(a[i, k]) * Double(b[k, j]) }
                worst = max(worst, abs(Double(c[i, j]) - s))
            }
        }
        let gflops = 2 * pow(512, 3) / seconds / 1e9
        return Check(
            name: "GEMM 512×512×512 (Float32)", detail: String(format: "%.0f GFLOP/s, max error %.1e", gflops, worst),
            passed: worst < 1e-3, seconds: seconds)
    }

    /// det of a matrix with known eigenvalues: Q·diag(1…n)·Qᵀ has det n!.
    func determinantCheck() throws -> Check {
        var g = SeededGenerator(seed: 2)
        let n = 12
        let q = Matrix<Double>.orthogonal(rows: n, columns: n, generator: &g)
        let a = q * Matrix.diagonal((1...n).map(Double.init)) * q.transposed()
        let (lu, seconds) = try timed { try LUDecomposition(a) }
        let expected = (1...n).reduce(0.0) { $0 + log(Double($1)) }
        let error = abs(lu.logAbsDeterminant - expected)
        return Check(
            name: "LU: log|det| of Q·diag(1…12)·Qᵀ",
            detail: String(format: "log 12! error %.1e, sign %+d", error, lu.determinantSign),
            passed: error < 1e-10 && lu.determinantSign == 1, seconds: seconds)
    }

    /// expm(logm(A)) ≈ A for a well-conditioned 64×64 A.
    func matrixFunctionCheck() throws -> Check {
        var g = SeededGenerator(seed: 3)
        let n = 64
        let a =
            Matrix<Double>.identity(n) + (0.5 / Double(n).squareRoot())
            * Matrix.normal(rows: n, columns: n, generator: &g)
        let (roundTrip, seconds) = try timed { try a.logm().expm() }
        let error = (roundTrip - a).frobeniusNorm / a.frobeniusNorm
        return Check(
            name: "expm(logm(A)) = A, 64×64", detail: String(format: "relative error %.1e", error),
            passed: error < 1e-10, seconds: seconds)
    }

    /// Polar factors of a random g with det < 0: Q orthogonal with det −1, P symmetric, QP = g.
    func polarCheck() throws -> Check {
        var g = SeededGenerator(seed: 4)
        var m = Matrix<Double>.normal(rows: 16, columns: 16, generator: &g)
        if try m.determinant() > 0 { for j in 0..<16 { m[0, j] = -m[0, j] } }
        let (polar, seconds) = try timed { try m.polarDecomposition() }
        let orthogonality = (polar.q.transposed() * polar.q - .identity(16)).frobeniusNorm
        let product = (polar.q * polar.p - m).frobeniusNorm / m.frobeniusNorm
        let detQ = try polar.q.determinant()
        return Check(
            name: "polar g = QP (det g < 0), 16×16",
            detail: String(format: "‖QᵀQ − I‖ %.1e, ‖QP − g‖/‖g‖ %.1e, det Q %+.0f", orthogonality, product, detQ),
            passed: orthogonality < 1e-12 && product < 1e-12 && abs(detQ + 1) < 1e-9, seconds: seconds)
    }

    /// A 512×512 assignment whose optimum is known: a random permutation planted at cost 0 among costs ≥ 1.
    func assignmentCheck() throws -> Check {
        var g = SeededGenerator(seed: 5)
        let n = 512
        var planted = Array(0..<n)
        planted.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &g) }
        var cost = Matrix<Double>.uniform(rows: n, columns: n, in: 1..<2, generator: &g)
        for i in 0..<n { cost[i, planted[i]] = 0 }
        let (solution, seconds) = try timed { try LinearAssignment.solve(cost) }
        return Check(
            name: "assignment 512×512 (planted optimum)",
            detail: "recovered: \(solution.permutation == planted), cost \(solution.cost)",
            passed: solution.permutation == planted && solution.cost == 0, seconds: seconds)
    }

    /// Back-propagation of a small MLP against central differences (Float64).
    func gradientCheck() throws -> Check {
        let network = try Network(parsing: "mlp:6-8-3:tanh")
        let theta: ParameterVector<Double> = network.initialParameters(seed: 6)
        var g = SeededGenerator(seed: 7)
        let x = Matrix<Double>.normal(rows: 4, columns: 6, generator: &g)
        let labels: [Int32] = [0, 1, 2, 1]
        let ws = NetworkWorkspace<Double>(network: network, capacity: 4)
        func loss(_ p: ParameterVector<Double>) -> Double {
            x.withView { xv in
                ws.forward(p, inputs: xv)
                return labels.withUnsafeBufferPointer {
                    ws.loss(.softmaxCrossEntropy, targets: .classes($0), gradient: false).lossSum
                } / 4
            }
        }
        let (worst, seconds) = timed { () -> Double in
            x.withView { xv in
                _ = labels.withUnsafeBufferPointer {
                    ws.lossAndGradient(theta, inputs: xv, targets: .classes($0), loss: .softmaxCrossEntropy)
                }
            }
            let analytic = ws.gradient.flat
            var worst = 0.0
            for i in 0..<theta.count {
                var plus = theta, minus = theta
                plus.withUnsafeMutableBufferPointer { $0[i] += 1e-6 }
                minus.withUnsafeMutableBufferPointer { $0[i] -= 1e-6 }
                let numeric = (loss(plus) - loss(minus)) / 2e-6
                worst = max(worst, abs(numeric - analytic[i]) / max(1e-3, abs(numeric) + abs(analytic[i])))
            }
            return worst
        }
        return Check(
            name: "backprop vs finite differences",
            detail: String(format: "worst relative error %.1e over %d parameters", worst, theta.count),
            passed: worst < 1e-6, seconds: seconds)
    }
}
