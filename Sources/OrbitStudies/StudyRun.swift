import OrbitStar
import OrbitTraining

/// Everything a training run's output depends on (its ``RunKey`` hashes this and its input's key).
public struct TrainingRunConfiguration: Codable, Hashable, Sendable {
    /// The network description, widths filled in.
    public var architecture: String
    public var data: StudyData
    /// The optimiser settings with this run's seed.
    public var training: TrainingConfiguration
    public var threads: Int
    /// Whether training starts from the input run's model instead of the initialisation.
    public var startsFromInput: Bool
}

/// An existing model file brought into the store: its key is the SHA-256 of the file's bytes, so
/// the comparisons that read it rerun exactly when the file changes.
public struct ModelFileRunConfiguration: Codable, Hashable, Sendable {
    /// SHA-256 of the file (64 hex digits).
    public var sha256: String
}

/// Everything a comparison run's output depends on besides its two input models.
public struct ComparisonRunConfiguration: Codable, Hashable, Sendable {
    public var method: ComparisonMethod
    public var data: StudyData
    public var evaluation: StudyEvaluation
    /// Matching settings (nil for the plain line, so changing them reruns only matched lines).
    public var maxSweeps: Int?
    public var seed: UInt64?
    public var threads: Int
    /// A curved path, its fit and its number of bends (nil for the line, so adding curves to a
    /// study leaves the lines' keys unchanged).
    public var path: ComparisonPath?
    public var curveTraining: TrainingConfiguration?
    public var bends: Int?
    /// The centre fit of a fold-line (NGD) or star (nil otherwise, so the other comparisons' keys
    /// do not change).
    public var centreTraining: CentreConfiguration?
    /// The curvature along the path at each evaluated t (nil without a `hessian` object, so the
    /// other comparisons' keys do not change).
    public var hessian: StudyHessian?
}

/// One run of a study's plan: what it computes, where it sits in the DAG, and its content address.
public struct StudyRun: Sendable {
    public enum Work: Sendable, Hashable {
        case train(TrainingRunConfiguration)
        /// Checks and stores the model file at `path`.
        case importFile(ModelFileRunConfiguration, path: String)
        /// Compares input 0 (A) with input 1 (B).
        case compare(ComparisonRunConfiguration)
        /// Fits one star centre to all the inputs (the models of one width, in seed order).
        case star(ComparisonRunConfiguration)
        /// Measures the Hessian's top eigenvalue and trace at input 0 (a trained model).
        case hessian(HessianRunConfiguration)
    }

    public var key: RunKey
    public var work: Work
    /// The runs whose outputs this one reads.
    public var inputs: [RunKey]
    /// The stage and the index within it (a Slurm array task's `$SLURM_ARRAY_TASK_ID`).
    public var stage: String
    public var index: Int
    /// The model or comparison group, width and seeds (one for training and for a hessian run — the
    /// model group's —, A's and B's for a comparison, every seed of the width for a star) — for
    /// reports; not hashed.
    public var group: String
    public var width: Int?
    public var seeds: [UInt64]

    /// E.g. `mlp width 16 seed 1`, `wm width 16 seeds 0–1`, `hessian mlp width 16 seed 1` or
    /// `given a.safetensors`.
    public var label: String {
        if case .importFile(_, let path) = work { return "\(group) \(path.split(separator: "/").last ?? "")" }
        let widthText = width.map { " width \($0)" } ?? ""
        let seedText =
            seeds.count == 1 ? " seed \(seeds[0])" : " seeds \(seeds.map(String.init).joined(separator: "–"))"
        if case .hessian = work { return "hessian " + group + widthText + seedText }
        return group + widthText + seedText
    }

    /// The threads the run uses.
    public var threads: Int {
        switch work {
        case .train(let c): return c.threads
        case .importFile: return 1
        case .compare(let c), .star(let c): return c.threads
        case .hessian(let c): return c.threads
        }
    }
}
