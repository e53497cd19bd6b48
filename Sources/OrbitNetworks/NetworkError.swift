/// Errors in describing a network or matching parameters to it.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A compact description (`mlp:784-512-10:relu`) or JSON that cannot be read; `part` is the offending piece.
    case unparsable(description: String, part: String, reason: String)
    /// A structurally impossible network (zero width, a skip whose sizes differ, …).
    case invalid(reason: String)
    /// Parameters whose layout is not the one the network needs; names the first tensor that differs.
    case layoutMismatch(tensor: String, expected: String, found: String)
    /// A network a command or algorithm cannot take (a layer kind it does not support).
    case unsupported(reason: String)

    public var description: String {
        switch self {
        case .unparsable(let description, let part, let reason):
            return "cannot read network description '\(description)': \(reason) (at '\(part)')"
        case .invalid(let reason):
            return "invalid network: \(reason)"
        case .layoutMismatch(let tensor, let expected, let found):
            return "parameters do not match the network at tensor '\(tensor)': expected \(expected), found \(found)"
        case .unsupported(let reason):
            return reason
        }
    }
}
