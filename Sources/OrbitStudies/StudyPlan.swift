import Foundation
import OrbitFormats

/// A study's runs as a DAG in stages: trainings (a group started from another group's models
/// trains one stage after it), then comparisons (pairs, and one star per width), then the
/// curvature at the trained models of groups with a `hessian` object, then the summary (the
/// collected report). Each stage depends only on stages before it, so it maps onto one Slurm
/// array job with an `afterok` dependency on the jobs submitted before it.
///
/// Runs are ordered within a stage by the study file (group, width, seed, pair), so an index names
/// the same run in `orbit study task` and in the Slurm array. A run that two groups define
/// identically (same key) is planned once. Building the plan is O(runs) plus one SHA-256 each.
public struct StudyPlan: Sendable {
    /// A stage: its runs and the stages it waits for.
    public struct Stage: Sendable {
        public var name: String
        public var runs: [StudyRun]
        public var dependsOn: [String]
    }

    public let study: StudyFile
    /// Training stages (`train-0`, `train-1`, …), then `compare` when there are comparisons, then
    /// `hessian` when a model group asks for curvature.
    /// The summary is not a stage of runs: it is ``StudyCollection``, run after the last stage.
    public let stages: [Stage]

    /// Every run, stage by stage.
    public var runs: [StudyRun] { stages.flatMap(\.runs) }

    /// The run with `key`.
    public func run(_ key: RunKey) -> StudyRun? { runs.first { $0.key == key } }

    /// The stage named `name`.
    public func stage(_ name: String) -> Stage? { stages.first { $0.name == name } }

    public init(_ study: StudyFile) throws {
        self.study = study
        // Depth of each group along its start links (the file has no cycles: StudyFile checked).
        var depth: [String: Int] = [:]
        func depthOf(_ group: ModelGroup) -> Int {
            if let d = depth[group.name] { return d }
            let d = group.start.map { depthOf(study.group($0)!) + 1 } ?? 0
            depth[group.name] = d
            return d
        }
        let maxDepth = study.models.map(depthOf).max() ?? 0
        var seen = Set<RunKey>()
        // (group, width, seed) → key of the trained model.
        var trained: [String: RunKey] = [:]
        func modelID(_ group: String, _ width: Int?, _ seed: UInt64) -> String { "\(group)|\(width ?? -1)|\(seed)" }
        var stages: [Stage] = []
        for level in 0...maxDepth {
            var runs: [StudyRun] = []
            for group in study.models where depth[group.name] == level {
                if let files = group.files {
                    for (position, path) in files.enumerated() {
                        let configuration = ModelFileRunConfiguration(
                            sha256: try Self.fileDigest(path, study: study, group: group))
                        let key = try RunKey(kind: "file", configuration: configuration, inputs: [])
                        trained[modelID(group.name, nil, UInt64(position))] = key
                        guard seen.insert(key).inserted else { continue }
                        runs.append(
                            StudyRun(
                                key: key, work: .importFile(configuration, path: path), inputs: [],
                                stage: "train-\(level)", index: runs.count, group: group.name, width: nil,
                                seeds: [UInt64(position)]))
                    }
                    continue
                }
                for width in group.widths ?? [nil] as [Int?] {
                    for seed in group.seeds {
                        var training = group.training
                        training.seed = seed
                        var inputs: [RunKey] = []
                        if let start = group.start {
                            inputs = [trained[modelID(start, width, group.startSeed ?? seed)]!]
                        }
                        let configuration = TrainingRunConfiguration(
                            architecture: group.architecture(width: width), data: study.data, training: training,
                            threads: study.threads, startsFromInput: !inputs.isEmpty)
                        let key = try RunKey(kind: "train", configuration: configuration, inputs: inputs)
                        trained[modelID(group.name, width, seed)] = key
                        guard seen.insert(key).inserted else { continue }
                        runs.append(
                            StudyRun(
                                key: key, work: .train(configuration), inputs: inputs, stage: "train-\(level)",
                                index: runs.count, group: group.name, width: width, seeds: [seed]))
                    }
                }
            }
            stages.append(
                Stage(name: "train-\(level)", runs: runs, dependsOn: level == 0 ? [] : ["train-\(level - 1)"]))
        }
        var comparisons: [StudyRun] = []
        for comparison in study.comparisons {
            let group = study.group(comparison.models)!
            let matched = comparison.method != .line
            let curved = comparison.path.isCurve
            let centred = comparison.path.hasCentre
            let configuration = ComparisonRunConfiguration(
                method: comparison.method, data: study.data, evaluation: study.evaluation,
                maxSweeps: matched ? comparison.maxSweeps : nil,
                seed: matched || curved || centred ? comparison.seed : nil,
                threads: study.threads, path: comparison.path == .line ? nil : comparison.path,
                curveTraining: curved ? comparison.curveTraining : nil, bends: curved ? comparison.bends : nil,
                centreTraining: centred ? comparison.centreTraining : nil, hessian: comparison.hessian)
            if comparison.path == .star {
                // One run per width reading every model of that width, so any of them changing reruns it.
                for width in group.widths ?? [nil] as [Int?] {
                    let inputs = group.seeds.map { trained[modelID(group.name, width, $0)]! }
                    let key = try RunKey(kind: "star", configuration: configuration, inputs: inputs)
                    guard seen.insert(key).inserted else { continue }
                    comparisons.append(
                        StudyRun(
                            key: key, work: .star(configuration), inputs: inputs, stage: "compare",
                            index: comparisons.count, group: comparison.name, width: width, seeds: group.seeds))
                }
                continue
            }
            let pairs: [(UInt64, UInt64)]
            switch comparison.pairs {
            case .all:
                pairs = group.seeds.indices.flatMap { i in
                    group.seeds.indices.filter { $0 > i }.map { (group.seeds[i], group.seeds[$0]) }
                }
            case .chosen(let chosen): pairs = chosen
            }
            for width in group.widths ?? [nil] as [Int?] {
                for (a, b) in pairs {
                    let inputs = [trained[modelID(group.name, width, a)]!, trained[modelID(group.name, width, b)]!]
                    let key = try RunKey(kind: "compare", configuration: configuration, inputs: inputs)
                    guard seen.insert(key).inserted else { continue }
                    comparisons.append(
                        StudyRun(
                            key: key, work: .compare(configuration), inputs: inputs, stage: "compare",
                            index: comparisons.count, group: comparison.name, width: width, seeds: [a, b]))
                }
            }
        }
        let trainingStages = stages.map(\.name)
        if !comparisons.isEmpty {
            stages.append(Stage(name: "compare", runs: comparisons, dependsOn: trainingStages))
        }
        // The curvature at each trained model: runs of their own (the trainings' keys do not see
        // the `hessian` object), last so that adding them leaves every other stage's indices as
        // they were; they read only trained models, so they wait only for the trainings.
        var hessians: [StudyRun] = []
        for group in study.models {
            guard let hessian = group.hessian else { continue }
            let configuration = HessianRunConfiguration(
                data: study.data, loss: group.files == nil ? group.training.loss : nil, hessian: hessian,
                threads: study.threads)
            for width in group.widths ?? [nil] as [Int?] {
                for seed in group.seeds {
                    let inputs = [trained[modelID(group.name, width, seed)]!]
                    let key = try RunKey(kind: "hessian", configuration: configuration, inputs: inputs)
                    guard seen.insert(key).inserted else { continue }
                    hessians.append(
                        StudyRun(
                            key: key, work: .hessian(configuration), inputs: inputs, stage: "hessian",
                            index: hessians.count, group: group.name, width: width, seeds: [seed]))
                }
            }
        }
        if !hessians.isEmpty {
            stages.append(Stage(name: "hessian", runs: hessians, dependsOn: trainingStages))
        }
        self.stages = stages
    }

    /// SHA-256 of a model file's bytes (O(file size); every task re-plans, so keep files small or few).
    static func fileDigest(_ path: String, study: StudyFile, group: ModelGroup) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StudyError.badValue(
                file: study.path, line: group.filesLine, key: "files", reason: "cannot read the model file \(path)")
        }
        return SHA256.hex(data)
    }

    /// The plan as text: each stage, its dependencies, and each run with its key and inputs.
    public var text: String {
        var lines = ["study \(study.name): \(runs.count) runs in \(stages.count) stage(s), then the summary"]
        for stage in stages {
            let after = stage.dependsOn.isEmpty ? "" : " (after \(stage.dependsOn.joined(separator: ", ")))"
            lines.append("stage \(stage.name)\(after): \(stage.runs.count) run(s)")
            for run in stage.runs {
                let inputs = run.inputs.isEmpty ? "" : " ← " + run.inputs.map(\.short).joined(separator: ", ")
                lines.append("  [\(run.index)] \(run.key.short)  \(run.label)\(inputs)")
            }
        }
        lines.append("summary (after \(stages.last.map(\.name) ?? "nothing")): the collected report")
        return lines.joined(separator: "\n")
    }
}
