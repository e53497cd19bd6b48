import ArgumentParser
import Foundation
import OrbitKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network and save it (safetensors or NPZ, with its description).",
        discussion: """
            Example: orbit train --arch mlp:784-512-512-10:relu --data fashion-mnist --epochs 10 \\
                       --optimizer sgd --lr 0.01 --momentum 0.9 --seed 1 --out a.safetensors
            The run's state is saved after every epoch (and every N steps with --checkpoint-every N) to
            OUT.state.safetensors (atomically); after an interruption, the same command with --resume
            continues to the bit-identical result. A NaN or ±∞ loss or gradient stops the run with a
            message naming the step; the last checkpoint is kept.
            """)

    @Option(
        help: ArgumentHelp("Network description, e.g. mlp:784-512-10:relu or linear:8-8-8-8.", valueName: "description")
    )
    var arch: String
    @OptionGroup var data: DataOptions
    @OptionGroup var optimization: OptimizationOptions
    @Option(choosing: "--initialization", help: "Initialisation.") var initialization = Initialization.pytorch
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @Flag(help: "Train in Float64 instead of Float32.") var double = false
    @Option(help: "Output model file (.safetensors or .npz).") var out: String
    @OptionGroup var resuming: ResumeOptions
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try Network(parsing: arch)
        guard out.hasSuffix(".safetensors") || out.hasSuffix(".npz") else {
            throw ValidationError("--out must end in .safetensors or .npz")
        }
    }

    var trainingConfiguration: TrainingConfiguration {
        var config = optimization.configuration
        config.initialization = initialization
        config.loss = loss
        return config
    }

    func run() throws {
        global.apply()
        if double { try train(Double.self) } else { try train(Float.self) }
    }

    func train<Scalar: BLASScalar & TensorScalar>(_: Scalar.Type) throws {
        let network = try Network(parsing: arch)
        let dataset = try data.load()
        let config = trainingConfiguration
        let progress = ProgressReporter(style: quiet ? .quiet : .automatic)
        let trainer = try Trainer<Scalar>(network: network, dataset: dataset, configuration: config, progress: progress)
        try ensureParentDirectory(out)
        let statePath = ResumeOptions.statePath(for: out)
        let start = try resuming.start(statePath: statePath, progress: progress, fresh: trainer.initialState()) {
            try TrainingStateFile.read($0, network: network, configuration: config, as: Scalar.self)
        }
        progress.note(
            "training \(network.compactDescription ?? "network") (\(network.parameterCount) parameters) on \(dataset.name): "
                + "\(dataset.train.count) train samples of \(dataset.sampleDescription), \(config.optimizer.summary), lr \(config.learningRate), batch \(config.batchSize), seed \(config.seed), \(Threading.threadCount) threads"
        )
        let final = try trainer.run(from: start, checkpointEvery: resuming.checkpointEvery) { state in
            try TrainingStateFile.write(state, network: network, configuration: config, to: statePath)
        }
        let train = network.evaluate(final.parameters, on: dataset.train, loss: config.loss)
        let test = dataset.test.map { network.evaluate(final.parameters, on: $0, loss: config.loss) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let model = Model(
            network: network, parameters: final.parameters,
            metadata: [
                "orbit.version": orbitVersion, "orbit.seed": "\(optimization.seed)", "orbit.data": dataset.name,
                "orbit.training": String(decoding: try encoder.encode(config), as: UTF8.self),
                "orbit.train.loss": "\(train.loss)", "orbit.test.loss": test.map { "\($0.loss)" } ?? "",
            ])
        try ModelFile.write(model, to: out)
        try? FileManager.default.removeItem(atPath: statePath)
        let loss = config.loss ?? dataset.train.targets.defaultLoss
        print(metricsTable([("train", train)] + (test.map { [("test", $0)] } ?? []), loss: loss))
        print("saved \(out)")
    }
}
