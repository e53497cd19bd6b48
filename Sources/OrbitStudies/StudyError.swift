/// Errors of studies, one line each, naming the study file's line and key, the run or the command.
public enum StudyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The study file could not be read or is not JSON (the message has the line and column).
    case unreadable(file: String, reason: String)
    /// A key the study format does not have; `allowed` lists the keys of that object.
    case unknownKey(file: String, line: Int, key: String, allowed: [String])
    /// A value of the wrong JSON type.
    case typeMismatch(file: String, line: Int, key: String, expected: String, found: String)
    /// A required key is absent from the object starting at `line`.
    case missingKey(file: String, line: Int, key: String)
    /// A value of the right type that is out of range or otherwise invalid.
    case badValue(file: String, line: Int, key: String, reason: String)
    /// A name that no model group has.
    case unknownReference(file: String, line: Int, key: String, name: String)
    /// Model groups that start from each other in a loop, e.g. a → b → a.
    case cycle(file: String, line: Int, key: String, groups: [String])
    /// `orbit study task` asked for a stage or index the plan does not have.
    case noSuchRun(stage: String, index: Int, reason: String)
    /// A run needs another run's output that is not in the store.
    case missingInput(run: String, input: String)
    /// Running a run failed.
    case runFailed(run: String, reason: String)
    /// A store folder or record that cannot be used.
    case store(path: String, reason: String)
    /// The scheduler refused or failed a command.
    case scheduler(command: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        case .unknownKey(let file, let line, let key, let allowed):
            return "\(file):\(line): unknown key '\(key)' (allowed here: \(allowed.joined(separator: ", ")))"
        case .typeMismatch(let file, let line, let key, let expected, let found):
            return "\(file):\(line): key '\(key)' must be \(expected), not \(found)"
        case .missingKey(let file, let line, let key):
            return "\(file):\(line): the object starting here needs the key '\(key)'"
        case .badValue(let file, let line, let key, let reason): return "\(file):\(line): key '\(key)': \(reason)"
        case .unknownReference(let file, let line, let key, let name):
            return "\(file):\(line): key '\(key)' names the model group '\(name)', which the study does not define"
        case .cycle(let file, let line, let key, let groups):
            return
                "\(file):\(line): key '\(key)' closes a cycle of model groups: \(groups.joined(separator: " → ")) "
                + "(a group cannot start from itself, directly or through others)"
        case .noSuchRun(let stage, let index, let reason): return "no run \(index) in stage '\(stage)': \(reason)"
        case .missingInput(let run, let input):
            return "run \(run) needs \(input), which is not finished in the store (run its stage first)"
        case .runFailed(let run, let reason): return "run \(run) failed: \(reason)"
        case .store(let path, let reason): return "\(path): \(reason)"
        case .scheduler(let command, let reason): return "\(command): \(reason)"
        }
    }
}
