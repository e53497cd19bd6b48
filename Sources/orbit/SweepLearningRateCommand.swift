import ArgumentParser
import Foundation
import OrbitKit

struct SweepLearningRateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr",
        abstract: "Fig. 2: midpoint loss of no alignment, WM, Σ-weighted WM and AM vs learning rate.",
        discussion: """
            Trains two MLPs per learning rate and seed (SGD, momentum 0.9, warm-up + cosine), aligns B onto A four
            ways and records the midpoint test loss and the approximate dimensions of WᵀW, WΣWᵀ and Σ per layer.
            Falls back to a synthetic regression, and says so, when Fashion-MNIST is not installed.
            Example: orbit sweep lr --lrs 0.001,0.01,0.1 --limit 10000 --epochs 5 --out sweeps/lr
            """)

    @Option(help: "Learning rates, comma-separated.") var lrs = "0.001,0.00464,0.0215,0.1"
    @Option(help: "Data set (fashion-mnist or synthetic:…).") var data = "fashion-mnist"
    @Option(help: "Use at most this many samples of each split.") var limit: Int? = 10000
    @Option(help: "Network (default: mlp:IN-H-H-OUT:relu).") var arch: String?
    @Option(help: "Hidden width H of the default network.") var hidden = 128
    @Option(help: "Epochs.") var epochs = 5
    @Option(help: "Minibatch size.") var batch = 100
    @Option(help: "Training samples for Σ and the activations used in matching.") var statisticsSamples = 2000
    @OptionGroup var sweepOptions: SweepRunOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let rates = try parseGrid(lrs, option: "--lrs", minimum: 0.0)
        guard rates.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw ValidationError("--lrs must be positive") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard hidden >= 1, epochs >= 1, batch >= 1, statisticsSamples >= 1 else {
            throw ValidationError("--hidden, --epochs, --batch and --statistics-samples must be at least 1")
        }
        if let arch { _ = try Network(parsing: arch) }
        _ = try DatasetSpec(parsing: data)
    }

    func run() throws {
        global.apply()
        let resolved = LearningRateSweep.resolveData(data)
        if let note = resolved.fallback { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let shape = try LearningRateSweep.shape(resolved.spec)
        let architecture =
            arch ?? LearningRateSweep.defaultArchitecture(inputs: shape.inputs, outputs: shape.outputs, hidden: hidden)
        try sweepOptions.execute(
            LearningRateSweep.sweep(
                learningRates: try parseGrid(lrs, option: "--lrs", minimum: 0.0), data: resolved.spec, limit: limit,
                architecture: architecture, epochs: epochs, batchSize: batch, seeds: try sweepOptions.seedList(),
                statisticsSamples: statisticsSamples))
    }
}
