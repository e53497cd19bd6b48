import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitTraining

/// One run of the width sweep at initialisation (Ferbach et al. 2024, Thm 5.3 [S], docs/math/alignment.md §5).
public struct WidthRunConfiguration: Codable, Hashable, Sendable {
    /// m, the width of every hidden layer.
    public var width: Int
    /// d = m₀, the input dimension (the dimension of the first layer's neuron weight vectors).
    public var inputDimension: Int
    public var hiddenLayers: Int
    /// Repetition index: A and B are drawn from seeds 2·seed + 1 and 2·seed + 2.
    public var seed: UInt64
    /// Test inputs for the interpolation error and the barrier (x ~ N(0, I_d), targets of
    /// `synthetic:regression` with the same seed).
    public var samples: Int

    public init(width: Int, inputDimension: Int = 5, hiddenLayers: Int = 2, seed: UInt64 = 0, samples: Int = 500) {
        self.width = width
        self.inputDimension = inputDimension
        self.hiddenLayers = hiddenLayers
        self.seed = seed
        self.samples = samples
    }
}

/// Two networks with i.i.d. Gaussian weights (no training): how well can B's neurons be matched to
/// A's as the width m grows?
///
/// Networks: `mlp:d-m-…-m-1:relu:nobias` (Assumption 5: σ(0) = 0, 1-Lipschitz; no biases as in
/// the theory), W_ℓ entries N(0, 1/m_{ℓ−1}). B is aligned onto A layer by layer with the exact
/// squared-distance assignment (``LayerwiseAlignment/Cost/squaredDistance``; with Lemma B.3 this
/// is the OT step of §2.4). Per hidden layer ℓ the run reports the matching cost
/// (1/m) Σ_j ||w^A_j − w̃^B_π(j)||² = W₂²(μ̂^A_ℓ, μ̂^B_ℓ) (the empirical neuron measures, B's input
/// side already permuted) and the unmatched cost (1/m)||W^A_ℓ − W^B_ℓ||_F².
///
/// Thm 5.3 [S] (lower bound) and Fournier–Guillin [R]: for neurons i.i.d. with a density in R^d,
/// E W₂² between two m-samples decays as m^{−2/d} (d ≥ 5; d = 4 has a log factor), so layer 1's
/// log-log slope is ≈ −2/d, while deeper layers (neurons in R^m, m growing) barely improve.
///
/// Also, on x ~ N(0, I_d): the output-interpolation error at t = ½,
/// E_x ||f(x; ½θ_A + ½θ̃_B) − ½(f_A(x) + f_B(x))||² (the quantity the paper's bound controls;
/// also divided by ½E(||f_A||² + ||f_B||²), as `interp_error_relative`), and
/// the convex-combination loss barrier of the straight line (25 points, MSE to `synthetic:regression`
/// targets), before and after alignment.
public enum WidthAtInitialization {
    public static let kind = "width-init"

    /// The sweep over `widths` × `seeds`.
    public static func sweep(
        widths: [Int], inputDimension: Int = 5, hiddenLayers: Int = 2, seeds: [UInt64] = [0], samples: Int = 500
    ) -> Sweep<WidthRunConfiguration> {
        var runs: [WidthRunConfiguration] = []
        for seed in seeds {
            for m in widths {
                runs.append(
                    WidthRunConfiguration(
                        width: m, inputDimension: inputDimension, hiddenLayers: hiddenLayers, seed: seed,
                        samples: samples))
            }
        }
        return Sweep(kind: kind, runs: runs, xKey: "width", logX: true) { try run($0) }
    }

    /// The network of a configuration.
    public static func network(_ c: WidthRunConfiguration) throws -> Network {
        let hidden = (0..<c.hiddenLayers).map { _ in
            NetworkBlock.dense(DenseLayer(outputs: c.width, bias: false, activation: .relu))
        }
        return try Network(
            inputSize: c.inputDimension,
            blocks: hidden + [.dense(DenseLayer(outputs: 1, bias: false, activation: .identity))])
    }

    /// Weights i.i.d. N(0, 1/fan-in), drawn layer by layer from `seed`.
    public static func gaussianParameters(_ network: Network, seed: UInt64) -> ParameterVector<Float> {
        var g = SeededGenerator(seed: seed)
        var theta = ParameterVector<Float>(layout: network.layout)
        for spec in network.layout.tensors {
            let (rows, columns) = spec.matrixShape
            let std = spec.name.hasSuffix(".weight") ? 1 / Double(spec.shape[1]).squareRoot() : 0
            theta.setTensor(
                spec.name, to: .normal(rows: rows, columns: columns, standardDeviation: std, generator: &g))
        }
        return theta
    }

    /// f(x; θ) for the rows of x (Double), with the network's activations.
    public static func outputs(_ network: Network, _ theta: ParameterVector<Float>, _ x: Matrix<Float>) -> Matrix<
        Double
    > {
        let hidden = LayerwiseAlignment.hiddenActivations(network: network, parameters: theta, inputs: x)
        let last = LayerwiseAlignment.denseTensors(network)!.last!
        var out = Matrix.product(
            hidden.last!, theta.tensor(last.weight)!.converted(to: Double.self), transposeB: .transposed)
        if let b = last.bias.flatMap({ theta.tensor($0) })?.flat {
            out.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] += Double(b[i % b.count]) }
            }
        }
        return out
    }

    /// E_x ||f(x; ½a + ½b) − ½(f(x; a) + f(x; b))||².
    public static func midpointInterpolationError(
        _ network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs x: Matrix<Float>
    ) -> Double {
        let fa = outputs(network, a, x).flat, fb = outputs(network, b, x).flat
        let fm = outputs(network, .lerp(a, b, 0.5), x).flat
        var total = 0.0
        for i in 0..<fa.count {
            let e = fm[i] - 0.5 * (fa[i] + fb[i])
            total += e * e
        }
        return total / Double(x.rows)
    }

    public static func run(_ c: WidthRunConfiguration) throws -> [String: Double] {
        let network = try network(c)
        let a = gaussianParameters(network, seed: 2 &* c.seed &+ 1)
        let b = gaussianParameters(network, seed: 2 &* c.seed &+ 2)
        let alignment = LayerwiseAlignment(network: network, cost: .squaredDistance)
        let pis = try alignment.permutations(a, b)
        let aligned = alignment.apply(pis, to: b)
        var metrics: [String: Double] = [:]
        for (k, names) in LayerwiseAlignment.denseTensors(network)!.enumerated().dropLast() {
            let wa = a.tensor(names.weight)!.converted(to: Double.self)
            let m = Double(wa.rows)
            metrics["layer\(k + 1).cost"] =
                (wa - aligned.tensor(names.weight)!.converted(to: Double.self))
                .sumOfSquares() / m
            metrics["layer\(k + 1).cost_unaligned"] =
                (wa - b.tensor(names.weight)!.converted(to: Double.self))
                .sumOfSquares() / m
        }
        let data = GaussianRegression(
            dimension: c.inputDimension, outputs: 1, trainCount: c.samples, testCount: 0, noise: 0.1, seed: c.seed
        ).generate()
        let x = data.train.features
        // The output scale of a random network varies a lot between draws; the relative error
        // divides by ½E(‖f_A‖² + ‖f_B‖²).
        let scale =
            (outputs(network, a, x).sumOfSquares() + outputs(network, b, x).sumOfSquares()) / (2 * Double(x.rows))
        metrics["output_second_moment"] = scale
        for (name, end) in [("naive", b), ("aligned", aligned)] {
            let error = midpointInterpolationError(network, a, end, inputs: x)
            metrics["interp_error.\(name)"] = error
            metrics["interp_error_relative.\(name)"] = error / max(scale, .leastNormalMagnitude)
        }
        let evaluator = PathEvaluator(network: network, batchSize: 1000, loss: .meanSquaredError)
        let t = PathProfile.grid(points: 25)
        for (name, end) in [("naive", b), ("aligned", aligned)] {
            let profile = try evaluator.profile(AffinePath.line(a, end), on: data, t: t, name: name)
            metrics["barrier.\(name)"] = profile.barrier(.convexCombination, split: "train", metric: "loss") ?? .nan
        }
        return metrics
    }
}
