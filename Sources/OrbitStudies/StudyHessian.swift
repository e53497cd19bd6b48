import OrbitNetworks

/// The `hessian` object of a model group: the curvature of each trained model's training loss at
/// its minimum — λ_max by Lanczos with its residual, and tr H by Hutchinson ± SE
/// (docs/math/curvature.md) — measured on the first `samples` training samples. The options and
/// defaults are `orbit path --hessian`'s: `measures` top and/or trace, `samples` 1024, `steps` 20
/// Lanczos steps, `probes` 16 Hutchinson probes, and the `seed` of the start vector and probes.
public struct StudyHessian: Codable, Hashable, Sendable {
    /// What a hessian run can measure.
    public enum Measure: String, Codable, Hashable, Sendable, CaseIterable {
        /// The top eigenvalue λ_max (Lanczos), with its residual ‖H·u − λ·u‖.
        case top
        /// The trace tr H (Hutchinson), with its standard error.
        case trace
    }

    /// In the order `Measure.allCases` lists them, without repeats (so the key does not depend on
    /// how the file orders them).
    public var measures: [Measure] = Measure.allCases
    public var samples = 1024
    public var steps = 20
    public var probes = 16
    public var seed: UInt64 = 0

    public var measuresTop: Bool { measures.contains(.top) }
    public var measuresTrace: Bool { measures.contains(.trace) }

    public init(
        measures: [Measure] = Measure.allCases, samples: Int = 1024, steps: Int = 20, probes: Int = 16, seed: UInt64 = 0
    ) {
        self.measures = Measure.allCases.filter(measures.contains)
        self.samples = samples
        self.steps = steps
        self.probes = probes
        self.seed = seed
    }

    init(reader: inout StudyFileReader) throws {
        if let names = try reader.strings("measures") {
            var chosen = Set<Measure>()
            for name in names {
                guard let measure = Measure(rawValue: name) else {
                    throw reader.bad(
                        reader.member("measures")!,
                        "'\(name)' is not " + Measure.allCases.map(\.rawValue).joined(separator: " or "))
                }
                chosen.insert(measure)
            }
            measures = Measure.allCases.filter(chosen.contains)
        }
        samples = try reader.integer("samples", default: samples, minimum: 1)
        steps = try reader.integer("steps", default: steps, minimum: 1)
        // One probe would give no standard error.
        probes = try reader.integer("probes", default: probes, minimum: 2)
        seed = UInt64(try reader.integer("seed", default: 0, minimum: 0))
    }
}

/// Everything a hessian run's output depends on besides its input (the trained model): a run of
/// its own, so adding a `hessian` object to a group leaves every training run's key unchanged.
public struct HessianRunConfiguration: Codable, Hashable, Sendable {
    public var data: StudyData
    /// The loss the model was trained on, whose Hessian is measured (nil: the data's default, as
    /// in training).
    public var loss: LossFunction?
    public var hessian: StudyHessian
    public var threads: Int
}
