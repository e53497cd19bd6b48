import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitSymmetry
import OrbitTraining

/// Component labels of trained (rather than sampled) minima of a square linear chain
/// (Zhao, Dehmamy, Walters, Yu, ICML 2025, Cor 4.2): which of the 2^(l−1) components gradient
/// training from independent initialisations ends in.
public struct TrainedComponentCount: Sendable {
    public var depth: Int
    public var width: Int
    public var runs: Int
    public var labelsFound: Int
    public var expected: Int { 1 << (depth - 1) }
    /// The largest final loss relative to the mean squared target: how close to the minimum training got.
    public var maximumRelativeLoss: Double
    /// How many runs ended with each label, e.g. "+−" → 3.
    public var labelCounts: [String: Int]
}

public enum TrainedChainMinima {
    /// Trains `runs` chains `linear:h-…-h` (depth l) with full-batch Adam on y = A·x, x ~ N(0, I),
    /// 4h samples (X has full rank, so the minimum is {W_l⋯W₁ = A}), each from its own PyTorch-style
    /// initialisation, and labels the results. Cost: runs × epochs steps of an l-layer h × h chain.
    public static func run(depth: Int, width h: Int, runs: Int, epochs: Int, seed: UInt64) throws
        -> TrainedComponentCount
    {
        let network = try Network(
            parsing: "linear:" + Array(repeating: String(h), count: depth + 1).joined(separator: "-"))
        let chain = try LinearChain(network)
        var g = SeededGenerator(seed: seed &+ 4242)
        let n = 4 * h
        let x = Matrix<Double>.normal(rows: n, columns: h, generator: &g)
        let a = Matrix<Double>.normal(rows: h, columns: h, generator: &g)
        let y = Matrix.product(x, a, transposeB: .transposed)
        let dataset = Dataset(
            name: "linear-teacher",
            train: DataSplit(features: x.converted(to: Float.self), targets: .values(y.converted(to: Float.self))),
            test: nil)
        let meanSquare = y.sumOfSquares() / Double(n)
        var counts: [String: Int] = [:]
        var worst = 0.0
        for run in 0..<runs {
            let configuration = TrainingConfiguration(
                epochs: epochs, batchSize: n, learningRate: 0.01, optimizer: .adam(), seed: seed &+ UInt64(run))
            let trainer = try Trainer<Double>(network: network, dataset: dataset, configuration: configuration)
            let theta = try trainer.run(from: trainer.initialState()).parameters
            worst = max(
                worst, sumOfSquaredErrors(network: network, theta, inputs: x, targets: y) / Double(n) / meanSquare)
            let label = try chain.componentLabel(theta).map { $0 > 0 ? "+" : "−" }.joined()
            counts[label, default: 0] += 1
        }
        return TrainedComponentCount(
            depth: depth, width: h, runs: runs, labelsFound: counts.count, maximumRelativeLoss: worst,
            labelCounts: counts)
    }
}
