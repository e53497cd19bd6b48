import OrbitData
import OrbitPaths
import OrbitTraining
import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// BatchNorm along paths (`docs/math/layer-graph.md §4`): the fused reset of many points equals a
/// separate recomputation at each point, the statistics are those of the batches, and the path
/// evaluator's `--bn reset` and `--bn interpolate` differ where they should.
@Suite struct BatchNormResetTests {
    static let network = try! Network(parsing: "cnn:1x6x6-c3-p-c4-gap-3:relu:bn")

    static func dataset(rows: Int, seed: UInt64) -> DataSplit {
        var g = SeededGenerator(seed: seed)
        let x = Matrix<Float>.normal(rows: rows, columns: 36, generator: &g)
        let labels = (0..<rows).map { _ in Int32(g.next() % 3) }
        return DataSplit(features: x, targets: .classes(labels: labels, classCount: 3), sampleShape: [1, 6, 6])
    }

    static func endPoints() -> (ParameterVector<Double>, ParameterVector<Double>) {
        (network.initialParameters(.he, seed: 1), network.initialParameters(.he, seed: 2))
    }

    /// Running mean = average of the batch means, running variance = average of the unbiased batch
    /// variances — checked by hand on the first BatchNorm, whose input is the first convolution.
    @Test func statisticsAreAveragesOverBatches() throws {
        let split = Self.dataset(rows: 50, seed: 3)
        var (theta, _) = Self.endPoints()
        var points = [theta]
        Self.network.resetBatchNormStatistics(&points, on: split, batchSize: 20)
        // Batches of 20, 20, 10 rows; per batch the conv outputs of channel c over rows × 36 positions.
        let ws = NetworkWorkspace<Double>(network: Self.network, capacity: 20)  // keeps every output
        let conv = ws.operators[0].output
        var meanSum = [Double](repeating: 0, count: 3), varSum = [Double](repeating: 0, count: 3)
        for lower in stride(from: 0, to: 50, by: 20) {
            let upper = Swift.min(lower + 20, 50)
            let x = Matrix<Double>(
                rows: upper - lower, columns: 36,
                flat: split.features.gatheringRows(Array(lower..<upper)).flat.map(Double.init))
            x.withView { ws.forward(theta, inputs: $0) }
            for c in 0..<3 {
                var values: [Double] = []
                for r in 0..<(upper - lower) { for s in 0..<36 { values.append(conv[r * 108 + c * 36 + s]) } }
                let m = values.reduce(0, +) / Double(values.count)
                meanSum[c] += m
                varSum[c] += values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)
            }
        }
        theta = points[0]
        let mean = theta.tensor("layers.1.running_mean")!.flat, variance = theta.tensor("layers.1.running_var")!.flat
        for c in 0..<3 {
            #expect(abs(mean[c] - meanSum[c] / 3) < 1e-12)
            #expect(abs(variance[c] - varSum[c] / 3) < 1e-12)
        }
    }

    /// Nine points on a line reset in one fused pass equal each point reset on its own, and the
    /// path evaluator's reset profile equals evaluating those reset points one by one.
    @Test func fusedResetEqualsSeparateRecomputation() throws {
        let train = Self.dataset(rows: 300, seed: 4), test = Self.dataset(rows: 120, seed: 5)
        let data = Dataset(name: "synthetic-images", train: train, test: test)
        let (a, b) = Self.endPoints()
        let path = AffinePath.line(a, b)
        let t = (0...8).map { Double($0) / 8 }
        var fused = t.map { path.point(at: $0) }
        Self.network.resetBatchNormStatistics(&fused, on: train, batchSize: 64)
        for (j, tj) in t.enumerated() {
            var alone = [path.point(at: tj)]
            Self.network.resetBatchNormStatistics(&alone, on: train, batchSize: 64)
            #expect(zip(alone[0].flat, fused[j].flat).allSatisfy { abs($0 - $1) <= 1e-12 * Swift.max(1, abs($1)) })
        }
        let evaluator = PathEvaluator(network: Self.network, batchSize: 64, batchNorm: .reset)
        let profile = try evaluator.profile(path, on: data, t: t, name: "line")
        for (j, point) in fused.enumerated() {
            let direct = Self.network.evaluate(point, on: test, batchSize: 64)
            #expect(abs(profile.splits["test"]![j].loss - direct.loss) < 1e-10)
            #expect(profile.splits["test"]![j].accuracy == direct.accuracy)
        }
        var interpolating = evaluator
        interpolating.batchNorm = .interpolate
        let plain = try interpolating.profile(path, on: data, t: t, name: "line")
        let interior = (1..<8).map { abs(plain.splits["test"]![$0].loss - profile.splits["test"]![$0].loss) }
        #expect(interior.max()! > 1e-3, "reset and interpolate should differ inside the path")
    }
}
