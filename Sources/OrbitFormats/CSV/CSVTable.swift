import OrbitNumerics

/// A numeric table read from CSV text: an optional header row of column names, then rows of
/// numbers.
///
/// Cells are separated by a single byte (`,` by default), may be surrounded by spaces, and may be
/// double-quoted (`"1.5"`, `"a ""name"""`); records end at `\n` or `\r\n`; blank lines are
/// skipped. Every data cell must parse as a Double (`nan` and `inf` included). Errors name the
/// 1-based line and column: a non-numeric cell, or a row whose cell count differs from the first.
/// One pass over the file, O(bytes).
public struct CSVTable: Sendable, Equatable {
    /// The header row, if the file has one.
    public var columnNames: [String]?
    /// The numbers, one row per record.
    public var values: Matrix<Double>

    /// Whether the first record is a header.
    public enum Header: String, Sendable, Equatable {
        /// A header if any cell of the first record is not a number.
        case automatic
        case present
        case absent
    }

    public init(columnNames: [String]?, values: Matrix<Double>) {
        self.columnNames = columnNames
        self.values = values
    }

    /// Reads the CSV file at `path`.
    public static func read(
        _ path: String, header: Header = .automatic, separator: UInt8 = UInt8(ascii: ","),
        limits: FormatLimits = .standard
    ) throws -> CSVTable {
        try parse(
            try FileReader.read(path, limit: limits.maxFileBytes), file: path, header: header, separator: separator)
    }

    /// Parses CSV text held in memory.
    public static func parse(
        _ data: ByteSlice, file: String, header: Header = .automatic, separator: UInt8 = UInt8(ascii: ",")
    ) throws -> CSVTable {
        var names: [String]?
        var values: [Double] = []
        var columns: Int?
        var rows = 0
        try data.withUnsafeBytes { raw in
            var reader = RecordReader(bytes: raw, separator: separator, file: file)
            while let (line, cells) = try reader.nextRecord() {
                if let columns, cells.count != columns {
                    throw FormatError(file: file, reason: .raggedRow(line: line, expected: columns, found: cells.count))
                }
                if columns == nil {
                    columns = cells.count
                    let isHeader: Bool
                    switch header {
                    case .present: isHeader = true
                    case .absent: isHeader = false
                    case .automatic: isHeader = cells.contains { Double($0.text) == nil }
                    }
                    if isHeader {
                        names = cells.map(\.text)
                        continue
                    }
                }
                for (j, cell) in cells.enumerated() {
                    guard let v = Double(cell.text) else {
                        let shown = cell.text.count > 40 ? String(cell.text.prefix(40)) + "…" : cell.text
                        throw FormatError(file: file, reason: .notANumber(line: cell.line, column: j + 1, cell: shown))
                    }
                    values.append(v)
                }
                rows += 1
            }
        }
        return CSVTable(columnNames: names, values: Matrix(rows: rows, columns: columns ?? 0, flat: values))
    }

    /// Which column to separate out, e.g. the label of a data set.
    public enum Column: Sendable, Equatable, CustomStringConvertible {
        /// 0-based.
        case index(Int)
        /// A header name.
        case name(String)
        /// The last column.
        case last

        public var description: String {
            switch self {
            case .index(let i): return String(i)
            case .name(let n): return n
            case .last: return "last"
            }
        }
    }

    /// The 0-based index of `column`; throws ``FormatError/Reason/missing(available:)`` if absent.
    public func index(of column: Column, file: String = "<csv>") throws -> Int {
        let count = values.columns
        let available = columnNames ?? (0..<count).map(String.init)
        switch column {
        case .last where count > 0: return count - 1
        case .index(let i) where i >= 0 && i < count: return i
        case .name(let n):
            if let i = columnNames?.firstIndex(of: n) { return i }
        default: break
        }
        throw FormatError(file: file, tensor: "column \(column)", reason: .missing(available: available))
    }

    /// The table without `column`, and that column.
    public func separating(_ column: Column, file: String = "<csv>") throws -> (rest: Matrix<Double>, column: [Double])
    {
        let c = try index(of: column, file: file)
        let n = values.columns
        var picked: [Double] = []
        picked.reserveCapacity(values.rows)
        let rest = values.withView { view in
            Matrix<Double>(rows: values.rows, columns: n - 1) { out in
                for i in 0..<values.rows {
                    let row = view.row(i)
                    picked.append(row[c])
                    var k = i * (n - 1)
                    for j in 0..<n where j != c {
                        out[k] = row[j]
                        k += 1
                    }
                }
            }
        }
        return (rest, picked)
    }
}

/// Splits CSV bytes into records of cells, tracking line numbers.
private struct RecordReader {
    struct Cell {
        var text: String
        var line: Int
    }

    let bytes: UnsafeRawBufferPointer
    let separator: UInt8
    let file: String
    var position = 0
    var line = 1

    init(bytes: UnsafeRawBufferPointer, separator: UInt8, file: String) {
        self.bytes = bytes
        self.separator = separator
        self.file = file
    }

    /// The next non-blank record and the line it starts on, or nil at the end.
    mutating func nextRecord() throws -> (Int, [Cell])? {
        while position < bytes.count {
            let start = line
            var cells: [Cell] = []
            var field: [UInt8] = []
            var quoted = false
            var sawQuote = false
            var blank = true
            var endedWithNewline = false
            // The line a cell starts on (quoted cells may span lines).
            var fieldLine = line
            func finishField() {
                var text = field[...]
                if !sawQuote {
                    while let f = text.first, f == 0x20 || f == 0x09 { text = text.dropFirst() }
                    while let l = text.last, l == 0x20 || l == 0x09 { text = text.dropLast() }
                }
                cells.append(Cell(text: String(decoding: text, as: UTF8.self), line: fieldLine))
                field.removeAll(keepingCapacity: true)
                sawQuote = false
                fieldLine = line
            }
            recordLoop: while position < bytes.count {
                let c = bytes[position]
                position += 1
                if quoted {
                    if c == UInt8(ascii: "\"") {
                        if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                            field.append(c)
                            position += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if c == 0x0A { line += 1 }
                        field.append(c)
                    }
                    continue
                }
                switch c {
                case UInt8(ascii: "\""):
                    // A quote opens a quoted field only at its start (after optional spaces).
                    if field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        field.removeAll()
                        quoted = true
                        sawQuote = true
                        blank = false
                    } else {
                        field.append(c)
                    }
                case separator:
                    blank = false
                    finishField()
                case 0x0A:
                    endedWithNewline = true
                    break recordLoop
                case 0x0D where position < bytes.count && bytes[position] == 0x0A:
                    continue
                default:
                    if c != 0x20 && c != 0x09 && c != 0x0D { blank = false }
                    field.append(c)
                }
            }
            if quoted {
                throw FormatError(
                    file: file, reason: .malformedHeader("unterminated quoted cell starting on line \(start)"))
            }
            if !blank { finishField() }
            if endedWithNewline { line += 1 }
            if blank { continue }
            return (start, cells)
        }
        return nil
    }
}
