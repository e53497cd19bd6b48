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
