import ArgumentParser
import Foundation
import OrbitKit

/// `--resume` and `--checkpoint-every`, shared by every command that runs a resumable optimisation
/// (`train`, `curve`, `star`, `ngd`; ``ResumableOptimization``): the state is saved atomically to
/// OUT.state.safetensors after each epoch and every N steps, and `--resume` continues from it to the
/// bit-identical result, with the same semantics and messages everywhere.
struct ResumeOptions: ParsableArguments {
    @Flag(help: "Continue an interrupted run from OUT.state.safetensors (the same command and options).")
    var resume = false
    @Option(help: "Also save the state every N optimiser steps inside epochs (0: after each epoch only).")
    var checkpointEvery = 0

    func validate() throws {
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be ≥ 0") }
    }

    /// Where a run writing `out` keeps its state.
    static func statePath(for out: String) -> String { out + ".state.safetensors" }

    /// The state a run starts from: `fresh`, or with `--resume` the one saved at `statePath` (read
    /// by `read`, which refuses another kind of run, network or options), announced as "resumed from
    /// epoch E, step S" (E the epoch in progress, S the steps already done in it).
    func start<Scalar: BLASScalar, Run>(
        statePath: String, progress: ProgressReporter,
        fresh: @autoclosure () throws -> OptimizationState<Scalar, Run>,
        read: (String) throws -> OptimizationState<Scalar, Run>
    ) throws -> OptimizationState<Scalar, Run> {
        guard resume else { return try fresh() }
        guard FileManager.default.fileExists(atPath: statePath) else {
            throw ValidationError("--resume: no saved state at \(statePath)")
        }
        let state = try read(statePath)
        progress.note(Self.resumedMessage(state, statePath: statePath))
        return state
    }

    static func resumedMessage<Scalar: BLASScalar, Run>(
        _ state: OptimizationState<Scalar, Run>, statePath: String
    ) -> String {
        "resumed from epoch \(state.completedEpochs + 1), step \(state.completedSteps) (\(statePath))"
    }
}
