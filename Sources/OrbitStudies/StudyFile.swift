import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitStar
import OrbitTraining

/// A study: the models to train (an architecture × widths × seeds with one optimiser setting per
/// group, optionally started from another group's trained models, optionally with the Hessian's
/// top eigenvalue and trace measured at each trained model), the comparisons between them
/// (lines, weight- or activation-matched lines, fitted curves and NGD fold-lines over all pairs or
/// chosen pairs; star centres over all seeds of a width), the data and the
/// evaluation settings — declared in one JSON file (README.md, "Running on a cluster").
///
/// Parsing is strict: an unknown key, a value of the wrong type, a reference to a group that does
/// not exist or groups that start from each other in a cycle are refused with the file, line and
/// key named (``StudyError``). Validation checks every architecture and data spec, so a plan that
/// parses can run.
public struct StudyFile: Sendable, Equatable {
    /// The file read (for messages) — not part of any run's hash.
    public var path: String
    /// The study's name: its report folder and Slurm job names.
    public var name: String
    public var data: StudyData
    /// Threads of every run (BLAS and Orbit's loops). Results are bit-identical for a fixed thread
    /// count, so it is part of each run's configuration and both executors use it.
    public var threads: Int
    public var evaluation: StudyEvaluation
    public var models: [ModelGroup]
    public var comparisons: [ComparisonGroup]

    /// Reads and validates the study file at `path`.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw StudyError.unreadable(
                file: path, reason: "cannot read the study file (\(error.localizedDescription))")
        }
        try self.init(parsing: text, file: path)
    }

    /// Parses and validates a study document; `file` names it in errors.
    public init(parsing text: String, file: String) throws {
        let document: LocatedJSON
        do {
            document = try LocatedJSON.parse(text, file: file)
        } catch let error as FormatError {
            if case .invalidJSON(_, let detail) = error.reason {
                throw StudyError.unreadable(file: file, reason: "not valid JSON: \(detail)")
            }
            throw StudyError.unreadable(file: file, reason: error.description)
        }
        var top = try StudyFileReader(document, key: "study", file: file)
        path = file
        name = try top.string("name")
        if let m = top.member("name"),
            name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        {
            throw top.bad(m, "'\(name)' must be non-empty letters, digits, '-', '_' or '.' (it names folders and jobs)")
        }
        threads = try top.integer("threads", default: 1, minimum: 1)
        guard
            let data = try top.object(
                "data",
                { reader in
                    try StudyData(reader: &reader)
                })
        else { throw StudyError.missingKey(file: file, line: top.line, key: "data") }
        self.data = data
        evaluation = try top.object("evaluation") { try StudyEvaluation(reader: &$0) } ?? StudyEvaluation()
        models = try top.objects("models") { reader, _ in try ModelGroup(reader: &reader) }
        comparisons = try top.objects("comparisons") { reader, _ in try ComparisonGroup(reader: &reader) }
        try top.finish()
        guard !models.isEmpty else {
            throw StudyError.badValue(
                file: file, line: top.line, key: "models", reason: "a study trains at least one model group")
        }
        try validateReferences()
    }

    /// Names are unique, references resolve, and `start` links form no cycle.
    private func validateReferences() throws {
        var byName: [String: ModelGroup] = [:]
        for group in models {
            guard byName[group.name] == nil else {
                throw StudyError.badValue(
                    file: path, line: group.line, key: "name",
                    reason: "the model group '\(group.name)' is defined twice")
            }
            byName[group.name] = group
        }
        for group in models {
            guard let start = group.start else { continue }
            guard let parent = byName[start] else {
                throw StudyError.unknownReference(file: path, line: group.startLine, key: "start", name: start)
            }
            for width in group.widths ?? [] where !(parent.widths ?? []).contains(width) {
                throw StudyError.badValue(
                    file: path, line: group.startLine, key: "start",
                    reason: "'\(start)' has no width \(width), which '\(group.name)' trains")
            }
            if let seed = group.startSeed, !parent.seeds.contains(seed) {
                throw StudyError.badValue(
                    file: path, line: group.startLine, key: "start_seed", reason: "'\(start)' has no seed \(seed)")
            }
            if group.startSeed == nil {
                for seed in group.seeds where !parent.seeds.contains(seed) {
                    throw StudyError.badValue(
                        file: path, line: group.startLine, key: "start",
                        reason: "'\(start)' has no seed \(seed) to start '\(group.name)' from (or give start_seed)")
                }
            }
        }
        // Each group starts from at most one other, so following the links from any group either
        // ends or comes back to a group already on the chain.
        for group in models {
            var chain = [group.name]
            var current = group
            while let next = current.start {
                if let loop = chain.firstIndex(of: next) {
                    throw StudyError.cycle(
                        file: path, line: current.startLine, key: "start", groups: Array(chain[loop...]) + [next])
                }
                chain.append(next)
                current = byName[next]!
            }
        }
        for comparison in comparisons {
            guard let group = byName[comparison.models] else {
                throw StudyError.unknownReference(
                    file: path, line: comparison.modelsLine, key: "models", name: comparison.models)
            }
            if comparison.path == .star, group.seeds.count < 2 {
                throw StudyError.badValue(
                    file: path, line: comparison.modelsLine, key: "models",
                    reason: "a star needs at least 2 models per width and '\(group.name)' has \(group.seeds.count)")
            }
            if case .chosen(let pairs) = comparison.pairs {
                for (a, b) in pairs where !group.seeds.contains(a) || !group.seeds.contains(b) {
                    throw StudyError.badValue(
                        file: path, line: comparison.pairsLine, key: "pairs",
                        reason: "the pair [\(a), \(b)] names a seed that '\(group.name)' does not train")
                }
            }
        }
    }

    /// The model group called `name`.
    public func group(_ name: String) -> ModelGroup? { models.first { $0.name == name } }
}
