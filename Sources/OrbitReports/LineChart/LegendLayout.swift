/// The legend of a line chart: one entry per series (a short stretch of the series' line, its
/// marker, its name), placed right of the plot or below it, never over the data.
struct LegendLayout {
    struct Entry {
        var name: String
        var style: LineChart.SeriesStyle
    }

    let entries: [Entry]
    let isRight: Bool
    let isHidden: Bool
    /// Width reserved right of the plot.
    let rightSpace: Double
    /// Height reserved below the x label.
    let belowSpace: Double
    let columnWidth: Double
    let columns: Int

    static let rowHeight = 20.0
    static let sampleLength = 30.0
    static let textGap = 8.0

    init(
        entries: [Entry], placement: LineChart.LegendPlacement, chartWidth: Double, plotLeft: Double,
        plotHeightEstimate: Double
    ) {
        self.entries = entries
        let textWidth = entries.map { TextMetrics.width($0.name, fontSize: ChartStyle.legendSize) }.max() ?? 0
        let entryWidth = Self.sampleLength + Self.textGap + textWidth
        let rightWidth = entryWidth + 32
        let hidden = entries.isEmpty || placement == .hidden
        let right: Bool
        switch placement {
        case .right: right = true
        case .below: right = false
        case .hidden: right = true
        case .automatic:
            right =
                rightWidth <= (chartWidth - plotLeft) * 0.4
                && Double(entries.count) * Self.rowHeight <= plotHeightEstimate
        }
        isHidden = hidden
        isRight = right
        if hidden {
            rightSpace = 20
            belowSpace = 0
            columnWidth = 0
            columns = 1
        } else if right {
            rightSpace = rightWidth
            belowSpace = 0
            columnWidth = entryWidth
            columns = 1
        } else {
            rightSpace = 20
            let available = max(chartWidth - plotLeft - 20, entryWidth)
            columnWidth = entryWidth + 24
            columns = max(1, min(entries.count, Int(available / columnWidth)))
            let rows = (entries.count + columns - 1) / columns
            belowSpace = Double(rows) * Self.rowHeight + 6
        }
    }

    func draw(into svg: inout SVGDocument, plot: PlotRect) {
        guard !isHidden else { return }
        svg.openGroup([("class", "legend"), ("font-size", NumberText.coordinate(ChartStyle.legendSize))])
        for (i, entry) in entries.enumerated() {
            let x: Double
            let y: Double
            if isRight {
                x = plot.right + 18
                y = plot.top + 10 + Double(i) * Self.rowHeight
            } else {
                x = plot.left + Double(i % columns) * columnWidth
                y = plot.bottom + AxesRenderer.bottomSpace + 14 + Double(i / columns) * Self.rowHeight
            }
            let style = entry.style
            svg.line(
                x1: x, y1: y, x2: x + Self.sampleLength, y2: y, stroke: style.colour.hex, width: style.lineWidth,
                dash: style.dash)
            if let marker = style.marker {
                marker.draw(
                    into: &svg, x: x + Self.sampleLength / 2, y: y, size: 3.5, fill: style.colour.hex,
                    stroke: "#ffffff",
                    strokeWidth: 1.5)
            }
            svg.text(
                entry.name, x: x + Self.sampleLength + Self.textGap,
                y: y + ChartStyle.verticalCentring(ChartStyle.legendSize),
                size: ChartStyle.legendSize)
        }
        svg.closeGroup()
    }
}
