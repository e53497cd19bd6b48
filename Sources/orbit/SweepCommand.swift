import ArgumentParser
import Foundation
import OrbitKit

/// `orbit sweep`: resumable, shardable sweeps of Ferbach et al.'s experiments, and their collection.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Width and learning-rate sweeps of aligned barriers (resumable, shardable).",
        discussion: """
            Each run lives in OUT/runs/KIND-HASH/, HASH a stable hash of its
            configuration, so identical runs land in the same folder. A run writes
            result.json only when it has finished: rerunning the same command skips
            finished runs and redoes interrupted ones (resuming is automatic).
            --shard i/n runs only the runs whose index is i mod n, so n processes
            partition one sweep, e.g. the tasks of a Slurm array job:

              sbatch --array=0-7 --wrap 'orbit sweep width --seeds 0,1,2 \
                --out sweeps/width --shard $SLURM_ARRAY_TASK_ID/8'
              orbit sweep collect sweeps/width   # afterwards; lists missing runs

            Without --shard the sweep is collected into OUT/report at the end.
            """,
        subcommands: [
            SweepWidthCommand.self, SweepMeanFieldCommand.self, SweepLearningRateCommand.self, SweepCollectCommand.self,
        ])
}

/// Options every sweep shares: where it goes, which shard, which repetitions.
struct SweepRunOptions: ParsableArguments {
    @Option(help: "Output directory (runs/, sweep.json; rerun the same command to resume).") var out: String
    @Option(help: ArgumentHelp("Run only runs k ≡ i (mod n), e.g. $SLURM_ARRAY_TASK_ID/8.", valueName: "i/n"))
    var shard: String?
    @Option(help: "Repetition seeds, comma-separated (each seed trains or draws its own pair A, B).") var seeds = "0"

    func validate() throws {
        if let shard {
            do { _ = try SweepShard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
        }
        _ = try seedList()
    }

    func seedList() throws -> [UInt64] {
        let list = seeds.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--seeds takes non-negative integers separated by commas (got '\(seeds)')")
        }
        return list.map { $0! }
    }

    /// Runs the shard of `sweep` into `out`, then collects when the whole sweep ran here.
    func execute<C>(_ sweep: Sweep<C>) throws {
        let shard = try shard.map(SweepShard.init(parsing:)) ?? .all
        let log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        let summary = try SweepRunner(directory: out, shard: shard, log: log).run(sweep)
        print(
            "shard \(shard): \(summary.executed.count) run(s) executed, \(summary.skipped.count) already finished, "
                + "of \(sweep.runs.count) in the sweep")
        if shard == .all {
            let collection = try SweepCollection(directories: [out])
            let written = try collection.write(to: out + "/report")
            print(
                "wrote \(out)/report/" + written.filter { !$0.hasSuffix(".svg") }.joined(separator: ", \(out)/report/"))
        } else {
            print("when every shard has finished: orbit sweep collect \(out)")
        }
    }
}

/// A comma-separated list of numbers for a grid option.
func parseGrid<T: LosslessStringConvertible & Comparable>(_ text: String, option: String, minimum: T) throws -> [T] {
    let values = text.split(separator: ",").map { T(String($0).trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= minimum }) else {
        throw ValidationError("\(option) takes numbers ≥ \(minimum) separated by commas (got '\(text)')")
    }
    return values.map { $0! }
}

struct SweepWidthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "width",
        abstract: "Gaussian networks at initialisation: matching cost, W₂² and barrier vs width (Thm 5.3).",
        discussion:
            "Example: orbit sweep width --widths 16,32,64,128,256 --input-dim 5 --seeds 0,1,2 --out sweeps/width")

    @Option(help: "Hidden widths m, comma-separated.") var widths = "16,32,64,128,256"
    @Option(help: "Input dimension d (the first layer's neurons live in R^d).") var inputDim = 5
    @Option(help: "Hidden layers.") var layers = 2
    @Option(help: "Inputs x ~ N(0, I_d) for the interpolation error and barrier.") var samples = 500
    @OptionGroup var sweepOptions: SweepRunOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try parseGrid(widths, option: "--widths", minimum: 1)
        guard inputDim >= 1, layers >= 1, samples >= 1 else {
            throw ValidationError("--input-dim, --layers and --samples must be at least 1")
        }
    }

    func run() throws {
        global.apply()
        try sweepOptions.execute(
            WidthAtInitialization.sweep(
                widths: try parseGrid(widths, option: "--widths", minimum: 1), inputDimension: inputDim,
                hiddenLayers: layers, seeds: try sweepOptions.seedList(), samples: samples))
    }
}

struct SweepMeanFieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mean-field",
        abstract: "Two-layer mean-field nets trained by SGD: aligned interpolation error vs width (Thm 3.1).")

    @Option(help: "Widths N, comma-separated.") var widths = "16,32,64,128,256"
    @Option(help: "Input dimension d.") var inputDim = 4
    @Option(help: "Teacher neurons M ≤ d.") var teacher = 2
    @Option(help: "One-pass SGD steps.") var steps = 4000
    @Option(help: "SGD step size ε.") var stepSize = 0.05
    @Option(help: "Test samples.") var testSamples = 500
    @OptionGroup var sweepOptions: SweepRunOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        _ = try parseGrid(widths, option: "--widths", minimum: 1)
        guard teacher >= 1, teacher <= inputDim else { throw ValidationError("--teacher must be in 1...--input-dim") }
        guard steps >= 0, testSamples >= 1, stepSize > 0, stepSize.isFinite else {
            throw ValidationError("--steps ≥ 0, --test-samples ≥ 1 and --step-size > 0 are required")
        }
    }

    func run() throws {
        global.apply()
        try sweepOptions.execute(
            MeanFieldTwoLayer.sweep(
                widths: try parseGrid(widths, option: "--widths", minimum: 1), inputDimension: inputDim,
                teacherNeurons: teacher, steps: steps, stepSize: stepSize, seeds: try sweepOptions.seedList(),
                testSamples: testSamples))
    }
}

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

struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Merge the finished runs of a sweep (all shards) into report.html, results.json and results.csv.",
        discussion: "Example: orbit sweep collect sweeps/width   (writes sweeps/width/report/; lists missing runs)")

    @Argument(help: "Sweep folder(s); several when shards wrote to different places.") var directories: [String]
    @Option(help: "Report folder (default: the first folder's report/).") var out: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give the sweep folder to collect") }
    }

    func run() throws {
        global.apply()
        let collection = try SweepCollection(directories: directories)
        let target = out ?? directories[0] + "/report"
        let written = try collection.write(to: target)
        print("\(collection.kind): \(collection.finished.count) of \(collection.runs.count) runs finished")
        for run in collection.missing {
            print("missing: run \(run.index) runs/\(run.id)")
        }
        print("wrote \(target)/" + written.filter { !$0.hasSuffix(".svg") }.joined(separator: ", \(target)/"))
        if !collection.missing.isEmpty {
            print("rerun the sweep command (or the missing shards) to finish them; finished runs are skipped")
        }
    }
}
