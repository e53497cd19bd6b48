import Foundation

extension HTMLReport {
    /// A table of text cells. Cells that read as numbers (`0.25`, `-3e-4`, `12 %`, `0.41 ± 0.02`,
    /// `nan`) are right-aligned in tabular figures so columns of numbers line up; a column whose
    /// cells are all numeric has its heading right-aligned too.
    public struct Table: Sendable, Equatable {
        public var columns: [String]
        public var rows: [[String]]
        public var caption: String?

        public init(columns: [String], rows: [[String]], caption: String? = nil) {
            self.columns = columns
            self.rows = rows
            self.caption = caption
        }

        func html(number: Int) -> [String] {
            let e = MarkupEscaping.escape
            let width = max(columns.count, rows.map(\.count).max() ?? 0)
            var numericColumn = [Bool](repeating: true, count: width)
            var hasValue = [Bool](repeating: false, count: width)
            for row in rows {
                for (k, cell) in row.enumerated() where !cell.trimmingSpaces.isEmpty {
                    hasValue[k] = true
                    if !Self.isNumeric(cell) { numericColumn[k] = false }
                }
            }
            var out = ["<div class=\"table\">", "<table>"]
            let label = "<span class=\"label\">Table \(number).</span>"
            if let caption, !caption.isEmpty {
                out.append("<caption>\(label) \(e(caption))</caption>")
            }
            if !columns.isEmpty {
                var header = "<thead><tr>"
                for k in 0..<width {
                    let name = k < columns.count ? columns[k] : ""
                    header += (numericColumn[k] && hasValue[k] ? "<th class=\"num\">" : "<th>") + e(name) + "</th>"
                }
                out.append(header + "</tr></thead>")
            }
            out.append("<tbody>")
            for row in rows {
                var line = "<tr>"
                for k in 0..<width {
                    let cell = k < row.count ? row[k] : ""
                    line += (Self.isNumeric(cell) ? "<td class=\"num\">" : "<td>") + e(cell) + "</td>"
                }
                out.append(line + "</tr>")
            }
            out.append("</tbody>")
            out += ["</table>", "</div>"]
            return out
        }

        /// Whether `cell` reads as a number, optionally with a percent sign or a ± uncertainty.
        static func isNumeric(_ cell: String) -> Bool {
            var text = cell.trimmingSpaces.replacingOccurrences(of: "\u{2212}", with: "-")
            if text.hasSuffix("%") { text = String(text.dropLast()).trimmingSpaces }
            if text.isEmpty { return false }
            let parts = text.components(separatedBy: "±")
            guard parts.count <= 2 else { return false }
            return parts.allSatisfy { Double($0.trimmingSpaces) != nil }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
