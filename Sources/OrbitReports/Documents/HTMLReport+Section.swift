extension HTMLReport {
    /// A titled part of the report: a heading, then blocks in order.
    public struct Section: Sendable, Equatable {
        public var heading: String
        public var blocks: [Block]

        public init(_ heading: String, blocks: [Block] = []) {
            self.heading = heading
            self.blocks = blocks
        }

        public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
        public mutating func table(_ table: Table) { blocks.append(.table(table)) }
        public mutating func figure(_ figure: Figure) { blocks.append(.figure(figure)) }
        /// Renders `chart` at its default size and adds it with `caption`.
        public mutating func figure(_ chart: some SVGFigure, caption: String) {
            blocks.append(.figure(Figure(chart, caption: caption)))
        }
        public mutating func preformatted(_ text: String) { blocks.append(.preformatted(text)) }
        public mutating func list(_ items: [String]) { blocks.append(.list(items)) }
        /// A bulleted list of links to other files of the same report folder (relative paths).
        public mutating func links(_ items: [(text: String, href: String)]) {
            blocks.append(.links(items.map { Link(text: $0.text, href: $0.href) }))
        }

        func html(numbering: inout Numbering) -> [String] {
            var out = ["<section>", "<h2>\(MarkupEscaping.escape(heading))</h2>"]
            for block in blocks {
                out += block.html(numbering: &numbering)
            }
            out.append("</section>")
            return out
        }
    }

    /// One piece of a section.
    public enum Block: Sendable, Equatable {
        /// A paragraph of plain text (escaped; line breaks are kept as spaces by the browser).
        case paragraph(String)
        case table(Table)
        case figure(Figure)
        /// Monospaced text with its line breaks kept: a configuration, a command line.
        case preformatted(String)
        /// A bulleted list of plain-text items.
        case list([String])
        /// A bulleted list of links to files next to the page (relative references only).
        case links([Link])

        func html(numbering: inout Numbering) -> [String] {
            let e = MarkupEscaping.escape
            switch self {
            case .paragraph(let text):
                return ["<p>\(e(text))</p>"]
            case .preformatted(let text):
                return ["<pre>\(e(text))</pre>"]
            case .list(let items):
                return ["<ul>"] + items.map { "<li>\(e($0))</li>" } + ["</ul>"]
            case .links(let items):
                return ["<ul>"] + items.map { "<li><a href=\"\(e($0.href))\">\(e($0.text))</a></li>" } + ["</ul>"]
            case .table(let table):
                numbering.tables += 1
                return table.html(number: numbering.tables)
            case .figure(let figure):
                numbering.figures += 1
                return figure.html(number: numbering.figures)
            }
        }
    }
}

extension HTMLReport {
    /// A link to a file of the same report folder: the page stays self-contained except for these
    /// relative references, which a report index uses to reach its sub-reports.
    public struct Link: Sendable, Equatable {
        public var text: String
        public var href: String

        public init(text: String, href: String) {
            self.text = text
            self.href = href
        }
    }
}
