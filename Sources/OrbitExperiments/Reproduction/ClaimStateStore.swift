import Foundation
import OrbitStar
import OrbitTraining

/// The state files of one claim's run under one budget. Every long training of the run (a minimum,
/// a centre) checkpoints through ``ResumableOptimization`` into `directory` after each epoch and
/// every `checkpointEvery` steps, and starts from its file when there is one, so a killed
/// `orbit reproduce CLAIM --budget paper` continues where it stopped and, the driver's resume being
/// bit-identical, ends with the numbers of an uninterrupted run.
///
/// Files: `NAME.state.safetensors` in the one ``OptimizationStateFile`` format, NAME given by the claim
/// from the model's role, index and seed (`minimum-3-seed103`, `centre-seed0`; a diagnosis's fits and
/// minima as `diagnosis-centre-epochs`, its read-off at 50 epochs `diagnosis-centre-epochs-epoch-50`,
/// `diagnosis-plateau-minimum-1-seed101`: ``StarDiagnosisSetup/states``); the folder belongs
/// to the claim and the budget (``ReproductionRunner``: `OUT/CLAIM/BUDGET/state/`), so a file is
/// keyed by claim, budget, seed and model index. A file stays after its training finished: a rerun
/// loads it instead of training again. A file of another network or configuration is refused with
/// the file's name (``TrainingError/stateFile(_:)``, ``StarError/stateFile(_:)``); the runner
/// discards the folder when the sources changed since it was written (`sources` in the folder).
public struct ClaimStateStore: Sendable {
    public var directory: String
    /// Checkpoint every N steps inside an epoch as well (0: after each epoch only).
    public var checkpointEvery: Int

    public init(directory: String, checkpointEvery: Int = 100) {
        self.directory = directory
        self.checkpointEvery = checkpointEvery
    }

    /// The state file of the training called `name`.
    public func path(_ name: String) -> String { "\(directory)/\(name).state.safetensors" }

    /// Trains from the state file `name` when there is one, else from the trainer's initial state,
    /// to the trainer's epoch count or, given `plateau`, to the plateau of the epoch losses
    /// (``TrainingPlateau``), whichever comes first; writes the state after every epoch and every
    /// `checkpointEvery` steps.
    func train(_ trainer: Trainer<Float>, name: String, plateau: TrainingPlateau?) throws -> TrainingState<Float> {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = path(name)
        let start =
            FileManager.default.fileExists(atPath: file)
            ? try TrainingStateFile.read(
                file, network: trainer.network, configuration: trainer.configuration, as: Float.self)
            : trainer.initialState()
        let save: (TrainingState<Float>) throws -> Void = {
            try TrainingStateFile.write($0, network: trainer.network, configuration: trainer.configuration, to: file)
        }
        guard let plateau else {
            return try trainer.run(from: start, checkpointEvery: checkpointEvery, afterEpoch: save)
        }
        return try trainer.run(from: start, stoppingAt: plateau, checkpointEvery: checkpointEvery, afterEpoch: save)
    }

    /// Fits a centre from the state file `name` when there is one (it must belong to the same feet,
    /// network and configuration), else from `initial` (default: the fitter's initial state, the
    /// feet's mean). `afterEpoch` sees every state the fit passes before that state is written, so a
    /// file it writes at an epoch (a read-off, ``writeCentre(_:of:name:)``) exists whenever the fit's
    /// own file is at or past that epoch.
    func fit(
        _ fitter: CentreFitter<Float>, name: String, from initial: CentreState<Float>? = nil,
        afterEpoch: (CentreState<Float>) throws -> Void = { _ in }
    ) throws -> CentreState<Float> {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let start =
            FileManager.default.fileExists(atPath: path(name))
            ? try readCentre(of: fitter, name: name) : try initial ?? fitter.initialState()
        return try fitter.run(from: start, checkpointEvery: checkpointEvery) {
            try afterEpoch($0)
            try writeCentre($0, of: fitter, name: name)
        }
    }

    /// Writes `state` of `fitter`'s fit as the file `name`.
    func writeCentre(_ state: CentreState<Float>, of fitter: CentreFitter<Float>, name: String) throws {
        try CentreStateFile.write(
            state, network: fitter.network, configuration: fitter.configuration, feet: fitter.feet, to: path(name))
    }

    /// Reads the file `name`, which must hold a state of `fitter`'s fit (same feet, network and
    /// configuration): ``StarError/stateFile(_:)`` names the file and what differs otherwise.
    func readCentre(of fitter: CentreFitter<Float>, name: String) throws -> CentreState<Float> {
        try CentreStateFile.read(
            path(name), network: fitter.network, configuration: fitter.configuration, feet: fitter.feet,
            as: Float.self)
    }
}

extension Optional where Wrapped == ClaimStateStore {
    /// Trains with checkpoints in the store, or plainly (to the configured epochs) without one.
    func train(_ trainer: Trainer<Float>, name: String, plateau: TrainingPlateau?) throws -> TrainingState<Float> {
        guard let store = self else {
            guard let plateau else { return try trainer.run(from: trainer.initialState()) }
            return try trainer.run(from: trainer.initialState(), stoppingAt: plateau)
        }
        return try store.train(trainer, name: name, plateau: plateau)
    }

    /// Fits a centre with checkpoints in the store, or plainly without one.
    func fit(_ fitter: CentreFitter<Float>, name: String) throws -> CentreState<Float> {
        guard let store = self else { return try fitter.run(from: try fitter.initialState()) }
        return try store.fit(fitter, name: name)
    }
}
