/// Draws the parts every Cartesian chart shares: title, grid, frame, ticks with labels, axis labels.
struct AxesRenderer {
    let plot: PlotRect
    let x: AxisMapping
    let y: AxisMapping
    let xTicks: AxisTicks
    let yTicks: AxisTicks

    /// Light grid lines at the major ticks, drawn first so data lie on top.
    func drawGrid(into svg: inout SVGDocument) {
        svg.openGroup([("class", "grid"), ("stroke", ChartStyle.gridColour), ("stroke-width", "1.5")])
        for v in xTicks.values where x.contains(v) {
            guard let px = x.pixel(v) else { continue }
            let c = NumberText.coordinate(px)
            svg.element(
                "line",
                [
                    ("x1", c), ("y1", NumberText.coordinate(plot.top)), ("x2", c),
                    ("y2", NumberText.coordinate(plot.bottom)),
                ])
        }
        for v in yTicks.values where y.contains(v) {
            guard let py = y.pixel(v) else { continue }
            let c = NumberText.coordinate(py)
            svg.element(
                "line",
                [
                    ("x1", NumberText.coordinate(plot.left)), ("y1", c), ("x2", NumberText.coordinate(plot.right)),
                    ("y2", c),
                ])
        }
        svg.closeGroup()
    }

    /// The frame, outward tick marks, tick labels and the two axis labels. `yLabelX` is where the
    /// rotated y label's baseline goes.
    func drawAxes(into svg: inout SVGDocument, xLabel: String, yLabel: String, yLabelX: Double) {
        svg.rect(
            x: plot.left, y: plot.top, width: plot.width, height: plot.height, fill: "none",
            stroke: ChartStyle.frameColour, strokeWidth: ChartStyle.lineWidth)
        let tick = ChartStyle.tickLength
        svg.openGroup([
            ("stroke", ChartStyle.frameColour), ("stroke-width", NumberText.coordinate(ChartStyle.lineWidth)),
        ])
        for v in xTicks.values where x.contains(v) {
            guard let px = x.pixel(v) else { continue }
            svg.element("line", Self.segment(px, plot.bottom, px, plot.bottom + tick))
        }
        for v in xTicks.minorValues where x.contains(v) {
            guard let px = x.pixel(v) else { continue }
            svg.element("line", Self.segment(px, plot.bottom, px, plot.bottom + tick * 0.6))
        }
        for v in yTicks.values where y.contains(v) {
            guard let py = y.pixel(v) else { continue }
            svg.element("line", Self.segment(plot.left - tick, py, plot.left, py))
        }
        for v in yTicks.minorValues where y.contains(v) {
            guard let py = y.pixel(v) else { continue }
            svg.element("line", Self.segment(plot.left - tick * 0.6, py, plot.left, py))
        }
        svg.closeGroup()

        let size = ChartStyle.tickLabelSize
        for (v, label) in zip(xTicks.values, xTicks.labels) where x.contains(v) {
            guard let px = x.pixel(v) else { continue }
            svg.text(label, x: px, y: plot.bottom + tick + 4 + size, size: size, anchor: .middle)
        }
        for (v, label) in zip(yTicks.values, yTicks.labels) where y.contains(v) {
            guard let py = y.pixel(v) else { continue }
            svg.text(
                label, x: plot.left - tick - 4, y: py + ChartStyle.verticalCentring(size), size: size, anchor: .end)
        }
        // The labels sit in classed groups so a checker (scripts/render-check.sh) can find them.
        if !xLabel.isEmpty {
            svg.openGroup([("class", "x-label")])
            svg.text(
                xLabel, x: plot.left + plot.width / 2, y: plot.bottom + Self.xLabelOffset,
                size: ChartStyle.axisLabelSize,
                anchor: .middle)
            svg.closeGroup()
        }
        if !yLabel.isEmpty {
            svg.openGroup([("class", "y-label")])
            svg.text(
                yLabel, x: yLabelX, y: plot.top + plot.height / 2, size: ChartStyle.axisLabelSize, anchor: .middle,
                rotate: -90)
            svg.closeGroup()
        }
    }

    /// Distance from the plot's bottom edge to the x label's baseline.
    static let xLabelOffset = 42.0
    /// Space below the plot taken by ticks, tick labels and the x label.
    static let bottomSpace = 52.0

    /// The width the y tick labels need.
    static func yTickLabelWidth(_ ticks: AxisTicks) -> Double {
        ticks.labels.map { TextMetrics.width($0, fontSize: ChartStyle.tickLabelSize) }.max() ?? 0
    }

    /// The chart title, centred over `centreX`.
    static func drawTitle(into svg: inout SVGDocument, _ title: String, centreX: Double) {
        guard !title.isEmpty else { return }
        svg.text(title, x: centreX, y: 26, size: ChartStyle.titleSize, anchor: .middle, bold: true)
    }

    /// Space above the plot for the title.
    static func topSpace(title: String) -> Double { title.isEmpty ? 16 : 44 }

    static func segment(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> [(String, String)] {
        [
            ("x1", NumberText.coordinate(x1)), ("y1", NumberText.coordinate(y1)),
            ("x2", NumberText.coordinate(x2)), ("y2", NumberText.coordinate(y2)),
        ]
    }
}
