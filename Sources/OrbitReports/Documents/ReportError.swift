/// Errors from writing reports (besides the file-system errors of `AtomicFile`).
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// A CSV row has a different number of cells from the header.
    case raggedCSVRow(row: Int, expected: Int, found: Int)
    /// A JSON file Orbit wrote (or should have) cannot be read back as the expected type.
    case unreadableJSON(path: String, reason: String)

    public var description: String {
        switch self {
        case .raggedCSVRow(let row, let expected, let found):
            return "CSV row \(row) has \(found) cells but the header has \(expected) columns; "
                + "every row must have one cell per column"
        case .unreadableJSON(let path, let reason):
            return "cannot read \(path) as an Orbit result: \(reason)"
        }
    }
}
