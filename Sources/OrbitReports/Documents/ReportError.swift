/// Errors from writing reports (besides the file-system errors of `AtomicFile`).
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// A CSV row has a different number of cells from the header.
    case raggedCSVRow(row: Int, expected: Int, found: Int)
    /// A `[String: Any]` holds a value JSON cannot represent.
    case notJSONRepresentable(path: String, type: String)

    public var description: String {
        switch self {
        case .raggedCSVRow(let row, let expected, let found):
            return "CSV row \(row) has \(found) cells but the header has \(expected) columns; "
                + "every row must have one cell per column"
        case .notJSONRepresentable(let path, let type):
            return "the value at \(path) is a \(type), which JSON cannot represent; "
                + "use strings, numbers, booleans, arrays, dictionaries or NSNull"
        }
    }
}
