import OrbitFormats

/// A self-contained HTML5 report page: a title, a block of key–value facts (version, seed,
/// configuration, barrier definition), then sections of paragraphs, tables and figures.
///
/// Everything is inline: CSS in a `<style>` element, figures as inline `<svg>`; there are no
/// scripts and no `src`/`href` references, so the single file can be mailed, archived or opened
/// offline. All text is HTML-escaped. The markup is also well-formed XML, so it can be checked with
/// an XML parser. The same report always gives the same bytes (no timestamps: record the date as
/// a fact if you want one).
///
/// ```swift
/// var report = HTMLReport(title: "Paths between minima",
///                         facts: [("Orbit version", version), ("seed", "7"), ("barrier", "mean-endpoint")])
/// var paths = HTMLReport.Section("Loss along the paths")
/// paths.paragraph("Barrier heights use the mean of the end points' losses.")
/// paths.figure(lossChart, caption: "Training (solid) and test (dashed) loss along each path.")
/// paths.table(.init(columns: ["path", "barrier"], rows: [["linear", "0.41"]]))
/// report.sections.append(paths)
/// try report.write(to: "report.html")
/// ```
public struct HTMLReport: Sendable, Equatable {
    /// One line of the header block.
    public struct Fact: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var title: String
    public var facts: [Fact]
    public var sections: [Section]

    public init(title: String, facts: [(String, String)] = [], sections: [Section] = []) {
        self.title = title
        self.facts = facts.map { Fact($0.0, $0.1) }
        self.sections = sections
    }

    /// The page.
    public func html() -> String {
        let e = MarkupEscaping.escape
        var out = [
            "<!DOCTYPE html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\"/>",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
            "<title>\(e(title))</title>",
            "<style>",
            Self.styleSheet,
            "</style>",
            "</head>",
            "<body>",
            "<header>",
            "<h1>\(e(title))</h1>",
        ]
        if !facts.isEmpty {
            out.append("<dl class=\"facts\">")
            for fact in facts {
                out.append("<dt>\(e(fact.name))</dt><dd>\(e(fact.value))</dd>")
            }
            out.append("</dl>")
        }
        out.append("</header>")
        out.append("<main>")
        // Figures and tables are numbered through the whole page.
        var numbering = Numbering()
        for section in sections {
            out += section.html(numbering: &numbering)
        }
        out.append("</main>")
        out.append("</body>")
        out.append("</html>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Writes the page to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(html(), to: path)
    }

    struct Numbering {
        var figures = 0
        var tables = 0
    }
}
