import Foundation
import OrbitFormats

/// A CSV table to write: a header row of column names, then rows of cells (RFC 4180).
///
/// Named apart from OrbitFormats' `CSVTable`, which reads numeric CSV. Text cells are quoted when
/// they contain a comma, a double quote (doubled inside), a line break, or leading/trailing spaces
/// (which readers, ours included, would otherwise trim). Numbers are written in Swift's shortest
/// round-trip form (`0.1`, `1e-05`, `nan`, `inf`), so `Double(cell)` gives back exactly the value
/// written; OrbitFormats' reader, numpy and pandas all accept these spellings. Lines end in `\n`
/// (RFC 4180 says CRLF; every common reader takes either, and LF keeps diffs clean).
public struct CSVDocument: Sendable, Equatable {
    /// One cell.
    public enum Cell: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
        ExpressibleByIntegerLiteral
    {
        case text(String)
        case number(Double)
        case integer(Int)
        case empty

        public init(stringLiteral value: String) { self = .text(value) }
        public init(floatLiteral value: Double) { self = .number(value) }
        public init(integerLiteral value: Int) { self = .integer(value) }

        /// The cell as it appears in the file.
        var encoded: String {
            switch self {
            case .text(let s): return CSVDocument.quoted(s)
            case .number(let v): return NumberText.roundTrip(v)
            case .integer(let n): return String(n)
            case .empty: return ""
            }
        }
    }

    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// A table of numeric columns given column by column (`[("t", ts), ("train loss", losses)]`);
    /// a column shorter than the longest leaves its remaining cells empty.
    public init(numericColumns: [(name: String, values: [Double])]) {
        self.init(columns: numericColumns.map(\.name))
        let count = numericColumns.map(\.values.count).max() ?? 0
        for r in 0..<count {
            rows.append(numericColumns.map { r < $0.values.count ? .number($0.values[r]) : .empty })
        }
    }

    /// Appends a row of cells.
    public mutating func append(_ row: [Cell]) {
        rows.append(row)
    }

    /// Appends a row of numbers.
    public mutating func append(numbers: [Double]) {
        rows.append(numbers.map { .number($0) })
    }

    /// The file's text. Rows are written as given, even ragged ones; ``write(to:)`` refuses those.
    public var text: String {
        var out = columns.map(Self.quoted).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map(\.encoded).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Checks that every row has one cell per column.
    public func validate() throws {
        for (k, row) in rows.enumerated() where row.count != columns.count {
            throw ReportError.raggedCSVRow(row: k + 1, expected: columns.count, found: row.count)
        }
    }

    /// Validates, then writes the table to `path` atomically.
    public func write(to path: String) throws {
        try validate()
        try AtomicFile.write(text, to: path)
    }

    /// `field` quoted per RFC 4180 if it needs to be.
    static func quoted(_ field: String) -> String {
        let needsQuotes =
            field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.hasPrefix(" ") || field.hasSuffix(" ") || field.hasPrefix("\t") || field.hasSuffix("\t")
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
