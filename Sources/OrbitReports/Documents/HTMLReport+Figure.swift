extension HTMLReport {
    /// A figure: an SVG drawing embedded inline, with a numbered caption.
    public struct Figure: Sendable, Equatable {
        /// The SVG markup, embedded verbatim (it is trusted markup, as produced by ``LineChart`` or
        /// ``Heatmap``); a leading XML declaration or doctype is dropped, since neither is allowed
        /// inside HTML.
        public var svg: String
        public var caption: String

        public init(svg: String, caption: String) {
            self.svg = svg
            self.caption = caption
        }

        /// `chart` rendered at its default size (or the given one).
        public init(_ chart: some SVGFigure, caption: String, width: Int? = nil, height: Int? = nil) {
            let size = type(of: chart).defaultSize
            self.init(svg: chart.svg(width: width ?? size.width, height: height ?? size.height), caption: caption)
        }

        func html(number: Int) -> [String] {
            var out = ["<figure>", Self.embeddable(svg)]
            let label = "<span class=\"label\">Figure \(number).</span>"
            out.append("<figcaption>\(label) \(MarkupEscaping.escape(caption))</figcaption>")
            out.append("</figure>")
            return out
        }

        /// `svg` without any prolog before its root element and without trailing white space.
        static func embeddable(_ svg: String) -> String {
            guard let start = svg.range(of: "<svg") else { return svg }
            var body = String(svg[start.lowerBound...])
            while let last = body.last, last.isWhitespace { body.removeLast() }
            return body
        }
    }
}
