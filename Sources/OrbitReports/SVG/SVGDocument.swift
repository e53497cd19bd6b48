/// A minimal SVG writer: one element per line, attributes in the order given.
///
/// Kept deliberately small: charts append elements through a few typed helpers, every text and
/// attribute value is escaped, every number goes through ``NumberText/coordinate(_:)``. No `id`s
/// are ever emitted (clipping is done geometrically), so any number of charts can be inlined in
/// one HTML page without id collisions or dangling references.
struct SVGDocument {
    private var lines: [String] = []
    private var depth = 1

    /// A text anchor (`text-anchor`).
    enum Anchor: String {
        case start, middle, end
    }

    /// Starts a document `width`×`height` user units with a `<title>` (shown by browsers as the
    /// tooltip and read by screen readers) and a white background, so the figure reads the same on
    /// dark pages and when converted to PNG.
    init(width: Int, height: Int, title: String) {
        lines.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"13\" role=\"img\">")
        lines.append("  <title>\(MarkupEscaping.escape(title))</title>")
        lines.append("  <rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>")
    }

    /// Appends one raw element line (already escaped).
    mutating func raw(_ element: String) {
        lines.append(String(repeating: "  ", count: depth) + element)
    }

    /// Opens a `<g>` with the given attributes; pair with ``closeGroup()``.
    mutating func openGroup(_ attributes: [(String, String)] = []) {
        raw("<g" + Self.attributes(attributes) + ">")
        depth += 1
    }

    mutating func closeGroup() {
        depth -= 1
        raw("</g>")
    }

    /// An element with no content: `<name a="…"/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        raw("<" + name + Self.attributes(attributes) + "/>")
    }

    /// A straight line.
    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double, dash: LineDash = .solid,
        extra: [(String, String)] = []
    ) {
        var a: [(String, String)] = [
            ("x1", NumberText.coordinate(x1)), ("y1", NumberText.coordinate(y1)),
            ("x2", NumberText.coordinate(x2)), ("y2", NumberText.coordinate(y2)),
            ("stroke", stroke), ("stroke-width", NumberText.coordinate(width)),
        ]
        if let pattern = dash.pattern(lineWidth: width) { a.append(("stroke-dasharray", pattern)) }
        element("line", a + extra)
    }

    /// An axis-aligned rectangle.
    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
        strokeWidth: Double = 1, extra: [(String, String)] = []
    ) {
        var a: [(String, String)] = [
            ("x", NumberText.coordinate(x)), ("y", NumberText.coordinate(y)),
            ("width", NumberText.coordinate(width)), ("height", NumberText.coordinate(height)),
            ("fill", fill),
        ]
        if let stroke {
            a.append(("stroke", stroke))
            a.append(("stroke-width", NumberText.coordinate(strokeWidth)))
        }
        element("rect", a + extra)
    }

    /// A `<text>` element. `halo` paints a white outline behind the glyphs (`paint-order`), which
    /// keeps labels legible where they overlap lines or coloured cells.
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 13, anchor: Anchor = .start, bold: Bool = false,
        fill: String = "#222222", rotate: Double? = nil, halo: Bool = false
    ) {
        var a: [(String, String)] = [("x", NumberText.coordinate(x)), ("y", NumberText.coordinate(y))]
        if size != 13 { a.append(("font-size", NumberText.coordinate(size))) }
        if anchor != .start { a.append(("text-anchor", anchor.rawValue)) }
        if bold { a.append(("font-weight", "bold")) }
        a.append(("fill", fill))
        if let rotate {
            a.append(
                (
                    "transform",
                    "rotate(\(NumberText.coordinate(rotate)) \(NumberText.coordinate(x)) \(NumberText.coordinate(y)))"
                ))
        }
        if halo {
            a += [
                ("stroke", "#ffffff"), ("stroke-width", "3"), ("stroke-linejoin", "round"), ("paint-order", "stroke"),
            ]
        }
        raw("<text" + Self.attributes(a) + ">" + MarkupEscaping.escape(content) + "</text>")
    }

    /// The finished document.
    func finished() -> String {
        (lines + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        var out = ""
        for (name, value) in pairs {
            out += " " + name + "=\"" + MarkupEscaping.escape(value) + "\""
        }
        return out
    }
}
