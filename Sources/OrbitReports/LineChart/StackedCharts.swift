import Foundation

/// Line charts stacked vertically on one shared x axis range, as one SVG document: e.g. a loss
/// barrier above the curvature along the same path. Each panel is a nested `<svg>` of equal height.
public struct StackedCharts: SVGFigure, Equatable {
    public var title: String
    public var panels: [LineChart]

    public static var defaultSize: (width: Int, height: Int) { (800, 700) }

    /// The panels keep their own y ranges; every x range is set to the union of theirs.
    public init(title: String, panels: [LineChart]) {
        self.title = title
        let ranges = panels.map(\.resolvedRanges.x)
        let x = (ranges.map(\.lowerBound).min() ?? 0)...(ranges.map(\.upperBound).max() ?? 1)
        self.panels = panels.map {
            var chart = $0
            chart.xRange = x
            return chart
        }
    }

    public func svg(width: Int, height: Int) -> String {
        let count = Swift.max(panels.count, 1)
        let panelHeight = height / count
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\">\n"
            + "  <title>\(MarkupEscaping.escape(title))</title>\n"
        for (i, panel) in panels.enumerated() {
            let inner = panel.svg(width: width, height: panelHeight)
            // Nest the panel's document at its offset: an <svg> element inside an <svg> is a viewport.
            out += inner.replacingFirst("<svg ", with: "<svg y=\"\(i * panelHeight)\" ") + "\n"
        }
        return out + "</svg>\n"
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
