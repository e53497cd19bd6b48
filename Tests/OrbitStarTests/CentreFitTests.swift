import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitStar
import Testing

/// Centre finding on exact minima of a two-layer linear network (``StarFixtures``): the direct lines
/// between random minima leave the minimum, the fitted centre's fold-lines stay near it; a fit
/// resumed from its state file ends at the bit-identical centre.
@Suite struct CentreFitTests {
    static let width = 12

    func feet() throws -> [ParameterVector<Float>] {
        try (1...3).map { try StarFixtures.minimum(width: Self.width, seed: UInt64($0)) }
    }

    @Test func feetAreMinima() throws {
        let network = try StarFixtures.network(width: Self.width)
        let dataset = try StarFixtures.data()
        for foot in try feet() {
            #expect(network.evaluate(foot, on: dataset.train).loss < 1e-8)
        }
    }

    @Test func fittedCentreFoldLinesAreFarBelowDirectLines() throws {
        let network = try StarFixtures.network(width: Self.width)
        let dataset = try StarFixtures.data()
        let feet = try feet()
        let config = CentreConfiguration(epochs: 60, batchSize: 64, learningRate: 0.01, seed: 3)
        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        let state = try fitter.run(from: try fitter.initialState())
        #expect(state.history.last! < state.history.first!)
        let star = StarCentre(centre: state.centre, feet: feet)
        let evaluator = PathEvaluator(network: network)
        let t = PathProfile.grid(points: 11)
        var direct = 0.0, fold = 0.0
        for (i, j) in star.pairs {
            let line = try evaluator.profile(star.foldLine(i, j).directPath, on: dataset, t: t, name: "direct")
            let folded = try evaluator.profile(star.foldLine(i, j).path, on: dataset, t: t, name: "fold")
            direct += line.barrier(.pathMaximum)! / 3
            fold += folded.barrier(.pathMaximum)! / 3
        }
        #expect(direct > 0.05, "direct lines should leave the minimum (mean path max \(direct))")
        #expect(fold < 0.05 * direct, "fold-lines \(fold) vs direct \(direct)")
    }

    @Test func resumedFitIsBitIdentical() throws {
        let network = try StarFixtures.network(width: Self.width)
        let dataset = try StarFixtures.data(n: 128)
        let feet = try feet()
        let config = CentreConfiguration(
            epochs: 4, batchSize: 64, learningRate: 0.01, tPerStep: 2, penalty: 0.01, seed: 5)
        let fitter = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: config)
        let straight = try fitter.run(from: try fitter.initialState())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "centre-\(UUID().uuidString).safetensors"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var interrupted = CentreConfiguration(
            epochs: 2, batchSize: 64, learningRate: 0.01, tPerStep: 2, penalty: 0.01, seed: 5)
        let first = try CentreFitter(network: network, dataset: dataset, feet: feet, configuration: interrupted)
        _ = try first.run(from: try first.initialState()) { state in
            try CentreStateFile.write(state, network: network, configuration: config, feet: feet, to: path)
        }
        interrupted.epochs = 4
        #expect(interrupted == config)
        let resumed = try CentreStateFile.read(
            path, network: network, configuration: config, feet: feet, as: Float.self)
        #expect(resumed.completedEpochs == 2)
        let final = try fitter.run(from: resumed)
        #expect(final.centre == straight.centre)
        #expect(final.history == straight.history)
        // Other feet or options are refused.
        #expect(throws: StarError.self) {
            _ = try CentreStateFile.read(
                path, network: network, configuration: config, feet: Array(feet.reversed()), as: Float.self)
        }
        var other = config
        other.penalty = 0
        #expect(throws: StarError.self) {
            _ = try CentreStateFile.read(path, network: network, configuration: other, feet: feet, as: Float.self)
        }
    }

    @Test func validation() throws {
        let network = try StarFixtures.network(width: Self.width)
        let dataset = try StarFixtures.data(n: 16)
        let feet = try feet()
        #expect(throws: StarError.tooFewFeet(1)) {
            _ = try CentreFitter(
                network: network, dataset: dataset, feet: [feet[0]], configuration: CentreConfiguration())
        }
        #expect(throws: StarError.self) {
            _ = try CentreFitter(
                network: network, dataset: dataset, feet: feet, configuration: CentreConfiguration(tPerStep: 0))
        }
        let other = try StarFixtures.network(width: Self.width + 1)
        let wrong = other.initialParameters(seed: 1, as: Float.self)
        do {
            _ = try CentreFitter(
                network: network, dataset: dataset, feet: [feet[0], wrong], configuration: CentreConfiguration())
            Issue.record("a foot of another architecture was accepted")
        } catch let error as StarError {
            #expect(error.description.contains("foot 2") && error.description.contains("layers.0.weight"))
        }
    }
}
