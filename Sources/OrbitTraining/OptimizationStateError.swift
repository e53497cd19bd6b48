/// Why a state file cannot resume this run; each case names the file and what differs.
public enum OptimizationStateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file holds another kind of run (e.g. a curve fit given to `orbit train --resume`).
    case wrongKind(file: String, expected: OptimizationKind, found: String)
    /// The file belongs to another run: `what` (the network, the options, the feet…) differs.
    case mismatch(file: String, what: String, saved: String, current: String)
    /// A field the format requires is missing or unreadable.
    case unreadable(file: String, what: String)
    /// Written by a newer version of orbit (a format this one does not know).
    case newerFormat(file: String, version: String)

    public var description: String {
        switch self {
        case .wrongKind(let file, let expected, let found):
            return
                "\(file) holds the state of \(found), not of \(expected.runDescription); resume with the command that wrote it, or delete it"
        case .mismatch(let file, let what, let saved, let current):
            return
                "\(file) does not match this run's \(what) (saved: \(saved); this run: \(current)); resume with the same command and options, or delete it"
        case .unreadable(let file, let what):
            return "\(file) has an unreadable \(what)"
        case .newerFormat(let file, let version):
            return
                "\(file) is a state file of format \(version), newer than this orbit reads (\(OptimizationStateFile.formatVersion)); use the orbit that wrote it"
        }
    }
}
