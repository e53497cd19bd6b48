import Foundation
import OrbitReports

/// Small helpers shared by the exact-construction claims (Lin, Li & Wu 2024).
enum ConstructionReporting {
    /// Writes `chart` as `name` into the claim's directory and returns the section that embeds it.
    static func figure(
        _ chart: LineChart, name: String, caption: String, heading: String, paragraphs: [String],
        table: HTMLReport.Table? = nil, in context: ReproductionContext
    ) throws -> HTMLReport.Section {
        try chart.write(to: context.directory + "/" + name)
        var section = HTMLReport.Section(heading)
        for p in paragraphs { section.paragraph(p) }
        section.figure(HTMLReport.Figure(chart, caption: caption))
        if let table { section.table(table) }
        return section
    }

    /// Writes the claim's numbers as `name` (pretty JSON) into its directory.
    static func json(_ numbers: ResultValue, name: String, in context: ReproductionContext) throws {
        try JSONReport.write(numbers, to: context.directory + "/" + name)
    }

    /// A number for a table cell: 4 significant digits, scientific when small or large.
    static func format(_ x: Double) -> String {
        if !x.isFinite { return "\(x)" }
        if x == 0 { return "0" }
        if abs(x) < 1e-3 || abs(x) >= 1e5 { return String(format: "%.3e", x) }
        return String(format: "%.4g", x)
    }

    /// A positive value for a logarithmic axis (exact zeros are drawn at `floor`).
    static func positive(_ x: Double, floor: Double = 1e-30) -> Double { max(x, floor) }
}
