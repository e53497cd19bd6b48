import Foundation
import OrbitData
import OrbitNumerics

/// One run of the mean-field experiment (Ferbach et al. 2024, Thm 3.1 [S], docs/math/alignment.md §3).
public struct MeanFieldRunConfiguration: Codable, Hashable, Sendable {
    /// N, the number of hidden neurons.
    public var width: Int
    /// d, the input dimension.
    public var inputDimension: Int
    /// M ≤ d teacher neurons of the target f*(x) = Σ_{j<M} ReLU(x_j) (inputs on S^{d−1}).
    public var teacherNeurons: Int
    /// K, the number of one-pass SGD steps (one fresh sample each).
    public var steps: Int
    /// ε, the step size; the mean-field horizon is T = K·ε.
    public var stepSize: Double
    /// Repetition index: network A uses seed 2·seed + 1 (initialisation and data stream), B 2·seed + 2.
    public var seed: UInt64
    public var testSamples: Int

    public init(
        width: Int, inputDimension: Int = 4, teacherNeurons: Int = 2, steps: Int = 4000, stepSize: Double = 0.05,
        seed: UInt64 = 0, testSamples: Int = 500
    ) {
        self.width = width
        self.inputDimension = inputDimension
        self.teacherNeurons = teacherNeurons
        self.steps = steps
        self.stepSize = stepSize
        self.seed = seed
        self.testSamples = testSamples
    }
}

/// Two-layer networks in the mean-field scaling, f_N(x; θ) = (1/N) Σ_i a_i tanh(w_i·x̃), x̃ = (x, 1)
/// (the last weight is a bias: without it f is odd and cannot fit the even target), θ_i =
/// (a_i, w_i) ∈ R^{d+2} (σ bounded and Lipschitz as Thm 3.1 requires), trained independently by
/// one-pass SGD on the square loss (Mei–Montanari–Nguyen):
///
///     θ_i ← θ_i + 2ε (y_k − f_N(x_k; θ)) ∇_θ [a_i tanh(w_i·x_k)]
///
/// (the form of docs/math/alignment.md §3, marked [R]; no noise term). Initial neurons have bounded support:
/// w_i uniform on [−√(3/d), √(3/d)]^{d+1}, a_i uniform on [−1, 1]. Data: x uniform on S^{d−1},
/// y = Σ_{j<M} ReLU(x_j) (``TeacherStudentData``), a fresh sample per step, so A and B see
/// independent streams.
///
/// B's neurons are then matched to A's by the exact assignment on ||θ^A_i − θ^B_π(i)||² (the
/// Birkhoff step of the proof, Lemma B.3), and on a fixed test set the run reports
/// * the output-interpolation error sup_t E_x |t f_A + (1−t) f_B − f(t θ_A + (1−t) θ̃_B)| and its
///   sup over test points too (t on an 11-point grid), aligned and unaligned — Thm 3.1 says the
///   aligned one → 0 as N grows;
/// * the convex-combination barrier of the test MSE, aligned and unaligned;
/// * the matching cost W₂²(μ̂_A, μ̂_B) = (1/N) Σ ||θ^A_i − θ^B_π(i)||².
/// Cost: O(K·N·d) for training, O(N³) for the assignment.
public enum MeanFieldTwoLayer {
    public static let kind = "mean-field"

    public static func sweep(
        widths: [Int], inputDimension: Int = 4, teacherNeurons: Int = 2, steps: Int = 4000, stepSize: Double = 0.05,
        seeds: [UInt64] = [0], testSamples: Int = 500
    ) -> Sweep<MeanFieldRunConfiguration> {
        var runs: [MeanFieldRunConfiguration] = []
        for seed in seeds {
            for n in widths {
                runs.append(
                    MeanFieldRunConfiguration(
                        width: n, inputDimension: inputDimension, teacherNeurons: teacherNeurons, steps: steps,
                        stepSize: stepSize, seed: seed, testSamples: testSamples))
            }
        }
        return Sweep(kind: kind, runs: runs, xKey: "width", logX: true) { try run($0) }
    }

    /// The neurons: row i = (a_i, w_i) (N × (d+2), the last entry of w_i the bias).
    public typealias Neurons = Matrix<Double>

    /// x̃ = (x, 1) for each row of x.
    public static func augmented(_ x: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: x.rows, columns: x.columns + 1) { out in
            for i in 0..<x.rows {
                for j in 0..<x.columns { out[i * (x.columns + 1) + j] = x[i, j] }
                out[i * (x.columns + 1) + x.columns] = 1
            }
        }
    }

    /// f_N(x̃) for each row of `x` (n × d′, already augmented: d′ = θ.columns − 1).
    public static func outputs(_ theta: Neurons, _ x: Matrix<Double>) -> [Double] {
        let n = theta.rows, d = x.columns
        let w = theta.submatrix(rows: 0..<n, columns: 1..<(d + 1))
        let z = Matrix.product(x, w, transposeB: .transposed)
        let a = (0..<n).map { theta[$0, 0] }
        return z.withUnsafeBufferPointer { p in
            (0..<x.rows).map { r in
                var s = 0.0
                for i in 0..<n { s += a[i] * tanh(p[r * n + i]) }
                return s / Double(n)
            }
        }
    }

    /// The trained neurons of one network.
    public static func train(_ c: MeanFieldRunConfiguration, seed: UInt64) -> Neurons {
        let d = c.inputDimension + 1, n = c.width
        var g = SeededGenerator(seed: seed)
        let bound = (3 / Double(c.inputDimension)).squareRoot()
        var theta = Matrix<Double>(rows: n, columns: d + 1) { out in
            for i in 0..<n {
                out[i * (d + 1)] = 2 * g.nextUnitDouble() - 1
                for j in 0..<d { out[i * (d + 1) + 1 + j] = bound * (2 * g.nextUnitDouble() - 1) }
            }
        }
        var data = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        let xs = augmented(
            TeacherStudentData.sphere(rows: c.steps, dimension: c.inputDimension, generator: &data)
                .converted(to: Double.self))
        let eps = c.stepSize
        var z = [Double](repeating: 0, count: n)
        theta.withUnsafeMutableBufferPointer { p in
            xs.withUnsafeBufferPointer { xp in
                for k in 0..<c.steps {
                    let x = UnsafeBufferPointer(rebasing: xp[(k * d)..<((k + 1) * d)])
                    var y = 0.0
                    for j in 0..<c.teacherNeurons { y += max(0, x[j]) }
                    var f = 0.0
                    for i in 0..<n {
                        var s = 0.0
                        for j in 0..<d { s += p[i * (d + 1) + 1 + j] * x[j] }
                        z[i] = tanh(s)
                        f += p[i * (d + 1)] * z[i]
                    }
                    f /= Double(n)
                    let r = 2 * eps * (y - f)
                    for i in 0..<n {
                        let a = p[i * (d + 1)]
                        let da = r * z[i]
                        let dw = r * a * (1 - z[i] * z[i])
                        p[i * (d + 1)] = a + da
                        for j in 0..<d { p[i * (d + 1) + 1 + j] += dw * x[j] }
                    }
                }
            }
        }
        return theta
    }

    public static func run(_ c: MeanFieldRunConfiguration) throws -> [String: Double] {
        guard c.teacherNeurons >= 1, c.teacherNeurons <= c.inputDimension else {
            throw SweepError.badConfiguration(
                "need 1 ≤ teacher neurons ≤ d, got \(c.teacherNeurons), d = \(c.inputDimension)")
        }
        let a = train(c, seed: 2 &* c.seed &+ 1)
        let b = train(c, seed: 2 &* c.seed &+ 2)
        let (cost, pi) = try NeuronTransport.assignmentCost(a, b)
        let aligned = LayerwiseAlignment.permutedRows(b, pi)
        var g = SeededGenerator(seed: 0x5EED_7E57 &+ c.seed)
        let x = augmented(
            TeacherStudentData.sphere(rows: c.testSamples, dimension: c.inputDimension, generator: &g)
                .converted(to: Double.self))
        let y = (0..<x.rows).map { r in (0..<c.teacherNeurons).reduce(0.0) { $0 + max(0, x[r, $1]) } }
        func mse(_ f: [Double]) -> Double {
            zip(f, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
        }
        let fa = outputs(a, x), fb = outputs(b, x)
        let lossA = mse(fa), lossB = mse(fb)
        var metrics: [String: Double] = [
            "matching_cost": cost, "matching_cost_unaligned": (a - b).sumOfSquares() / Double(c.width),
            "endpoint_loss": (lossA + lossB) / 2,
        ]
        for (name, end) in [("naive", b), ("aligned", aligned)] {
            var meanError = 0.0, supError = 0.0, barrier = -Double.infinity
            for step in 0...10 {
                let t = Double(step) / 10
                let f = outputs(
                    Matrix(
                        rows: a.rows, columns: a.columns,
                        flat: zip(a.flat, end.flat).map {
                            t * $0 + (1 - t) * $1
                        }), x)
                var mean = 0.0
                for r in 0..<f.count {
                    let e = abs(t * fa[r] + (1 - t) * fb[r] - f[r])
                    mean += e
                    supError = max(supError, e)
                }
                meanError = max(meanError, mean / Double(f.count))
                barrier = max(barrier, mse(f) - (t * lossA + (1 - t) * lossB))
            }
            metrics["interp_error.\(name)"] = meanError
            metrics["interp_sup.\(name)"] = supError
            metrics["barrier.\(name)"] = barrier
        }
        return metrics
    }
}
