import ArgumentParser
import OrbitKit

/// The optimisation flags `orbit train` and `orbit curve` share.
struct OptimizationOptions: ParsableArguments {
    @Option(help: "Epochs.") var epochs = 10
    @Option(help: "Minibatch size.") var batch = 128
    @Option(choosing: "--optimizer", help: "Optimiser.") var optimizer = OptimizerChoice.sgd
    @Option(help: "Learning rate.") var lr = 0.01
    @Option(help: "SGD momentum.") var momentum = 0.9
    @Flag(help: "Nesterov momentum (SGD).") var nesterov = false
    @Option(help: "Weight decay (L2 for sgd/adam, decoupled for adamw).") var weightDecay = 0.0
    @Option(help: ArgumentHelp("constant, step:EVERY:GAMMA, cosine or warmup-cosine:EPOCHS.", valueName: "schedule"))
    var schedule = "constant"
    @Option(help: "Seed of the initial parameters, every epoch's shuffle (and the curve's t draws).") var seed: UInt64 =
        0

    func validate() throws {
        guard epochs >= 1, batch >= 1 else { throw ValidationError("--epochs and --batch must be at least 1") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
        guard LearningRateSchedule(parsing: schedule) != nil else {
            throw ValidationError(
                "--schedule is constant, step:EVERY:GAMMA, cosine or warmup-cosine:EPOCHS (got '\(schedule)')")
        }
    }

    var configuration: TrainingConfiguration {
        TrainingConfiguration(
            epochs: epochs, batchSize: batch, learningRate: lr,
            optimizer: optimizer.optimizer(momentum: momentum, nesterov: nesterov, weightDecay: weightDecay),
            schedule: LearningRateSchedule(parsing: schedule)!, seed: seed)
    }
}
