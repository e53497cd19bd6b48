/// A line chart of one or more series against a shared x axis: loss or accuracy along paths
/// (x = t), training curves, and the like.
///
/// Train and test curves of one path share a colour (Okabe–Ito, by path index) and differ by dash
/// (``SeriesStyle/train(_:marker:)``, ``SeriesStyle/test(_:marker:)``). Axis ranges are automatic
/// (all finite points and reference lines, plus 4 % padding) unless set; ticks are nice 1-2-5 steps
/// (decades on a logarithmic axis). The legend sits outside the plot. Output is deterministic.
///
/// ```swift
/// var chart = LineChart(title: "Loss along the paths", xLabel: "t", yLabel: "loss")
/// chart.series.append(.init(name: "linear · train", x: ts, y: trainLoss, style: .train(0)))
/// chart.series.append(.init(name: "linear · test", x: ts, y: testLoss, style: .test(0)))
/// chart.horizontalLines.append(.init(at: endpointMean, label: "end-point mean"))
/// chart.verticalLines.append(.init(at: 0.5, label: "t = 0.5"))
/// try chart.write(to: "loss.svg")
/// ```
public struct LineChart: SVGFigure, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Fixed axis ranges; nil for automatic. Data outside a fixed range are clipped at the frame.
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var series: [Series]
    /// Horizontal reference lines at y = value.
    public var horizontalLines: [ReferenceLine]
    /// Vertical marker lines at x = value.
    public var verticalLines: [ReferenceLine]
    public var legend: LegendPlacement

    public static var defaultSize: (width: Int, height: Int) { (800, 500) }

    public init(
        title: String, xLabel: String, yLabel: String, yScale: AxisScale = .linear, series: [Series] = [],
        horizontalLines: [ReferenceLine] = [], verticalLines: [ReferenceLine] = [], legend: LegendPlacement = .automatic
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = .linear
        self.yScale = yScale
        self.series = series
        self.horizontalLines = horizontalLines
        self.verticalLines = verticalLines
        self.legend = legend
    }

    /// The data ranges the axes will show.
    public var resolvedRanges: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = []
        var ys: [Double] = []
        for s in series {
            for p in s.points where xScale.transformed(p.x) != nil && yScale.transformed(p.y) != nil {
                xs.append(p.x)
                ys.append(p.y)
            }
        }
        xs += verticalLines.map(\.value)
        ys += horizontalLines.map(\.value)
        return (
            xRange ?? xScale.automaticRange(xs, padding: 0.04),
            yRange ?? yScale.automaticRange(ys, padding: 0.04)
        )
    }

    public func svg(width: Int, height: Int) -> String {
        let (xRange, yRange) = resolvedRanges
        let w = Double(width)
        let h = Double(height)
        // Vertical lines are labelled above the plot, where no data can be.
        let hasVerticalLabels = verticalLines.contains { !$0.label.isEmpty }
        let top = AxesRenderer.topSpace(title: title) + (hasVerticalLabels ? ChartStyle.annotationSize + 6 : 0)

        // y ticks first: their label width sets the left margin.
        let provisionalPlotHeight = max(h - top - AxesRenderer.bottomSpace - 10, 60)
        let yTicks = yScale.ticks(yRange, targetCount: Self.tickTarget(provisionalPlotHeight, spacing: 55))
        let yLabelX = 22.0
        let left = yLabelX + 12 + AxesRenderer.yTickLabelWidth(yTicks) + ChartStyle.tickLength + 6

        let legendLayout = LegendLayout(
            entries: series.map { LegendLayout.Entry(name: $0.name, style: $0.style) }
                + horizontalLines.filter { !$0.label.isEmpty }.map {
                    LegendLayout.Entry(
                        name: $0.label,
                        style: SeriesStyle(colour: $0.colour, dash: $0.dash, lineWidth: ChartStyle.lineWidth))
                },
            placement: legend,
            chartWidth: w, plotLeft: left, plotHeightEstimate: provisionalPlotHeight)
        let right = legendLayout.rightSpace
        let bottom = AxesRenderer.bottomSpace + legendLayout.belowSpace + 10
        let plot = PlotRect(left: left, top: top, width: max(w - left - right, 40), height: max(h - top - bottom, 40))

        let xMap = AxisMapping(scale: xScale, range: xRange, start: plot.left, end: plot.right)
        let yMap = AxisMapping(scale: yScale, range: yRange, start: plot.bottom, end: plot.top)
        let xTicks = xScale.ticks(xRange, targetCount: Self.tickTarget(plot.width, spacing: 85))
        let axes = AxesRenderer(plot: plot, x: xMap, y: yMap, xTicks: xTicks, yTicks: yTicks)

        var svg = SVGDocument(width: width, height: height, title: title)
        axes.drawGrid(into: &svg)
        drawReferenceLines(into: &svg, plot: plot, x: xMap, y: yMap)
        for s in series {
            svg.openGroup([("class", "series")])
            draw(s, into: &svg, plot: plot, x: xMap, y: yMap)
            svg.closeGroup()
        }
        drawReferenceLabels(into: &svg, plot: plot, x: xMap, y: yMap)
        axes.drawAxes(into: &svg, xLabel: xLabel, yLabel: yLabel, yLabelX: yLabelX)
        AxesRenderer.drawTitle(into: &svg, title, centreX: plot.left + plot.width / 2)
        legendLayout.draw(into: &svg, plot: plot)
        return svg.finished()
    }

    /// About one labelled tick per `spacing` pixels, between 3 and 10.
    static func tickTarget(_ length: Double, spacing: Double) -> Int {
        min(10, max(3, Int(length / spacing) + 1))
    }

    private func draw(_ s: Series, into svg: inout SVGDocument, plot: PlotRect, x: AxisMapping, y: AxisMapping) {
        let pixels: [PolylineClipping.Point?] = s.points.map { p in
            guard let px = x.pixel(p.x), let py = y.pixel(p.y) else { return nil }
            return (px, py)
        }
        let runs = PolylineClipping.visibleRuns(pixels, in: plot)
        let colour = s.style.colour.hex
        var d = ""
        for run in runs where run.count >= 2 {
            for (i, p) in run.enumerated() {
                d +=
                    (d.isEmpty ? "" : " ") + (i == 0 ? "M" : "L") + NumberText.coordinate(p.x) + " "
                    + NumberText.coordinate(p.y)
            }
        }
        if !d.isEmpty {
            var a: [(String, String)] = [
                ("d", d), ("fill", "none"), ("stroke", colour),
                ("stroke-width", NumberText.coordinate(s.style.lineWidth)),
                ("stroke-linejoin", "round"),
            ]
            if let pattern = s.style.dash.pattern(lineWidth: s.style.lineWidth) {
                a.append(("stroke-dasharray", pattern))
            }
            svg.element("path", a)
        }
        // A value with gaps on both sides has no line through it; show it as a dot.
        for run in runs where run.count == 1 && s.style.marker == nil {
            svg.element(
                "circle",
                [
                    ("cx", NumberText.coordinate(run[0].x)), ("cy", NumberText.coordinate(run[0].y)),
                    ("r", NumberText.coordinate(s.style.lineWidth * 1.5)), ("fill", colour),
                ])
        }
        if let marker = s.style.marker {
            for p in pixels {
                guard let p, plot.contains(p.x, p.y) else { continue }
                marker.draw(into: &svg, x: p.x, y: p.y, size: 3.5, fill: colour, stroke: "#ffffff", strokeWidth: 1.5)
            }
        }
    }

    private func drawReferenceLines(into svg: inout SVGDocument, plot: PlotRect, x: AxisMapping, y: AxisMapping) {
        guard !horizontalLines.isEmpty || !verticalLines.isEmpty else { return }
        svg.openGroup([("class", "reference-lines")])
        defer { svg.closeGroup() }
        for line in horizontalLines where y.contains(line.value) {
            guard let py = y.pixel(line.value) else { continue }
            svg.line(
                x1: plot.left, y1: py, x2: plot.right, y2: py, stroke: line.colour.hex, width: ChartStyle.lineWidth,
                dash: line.dash)
        }
        for line in verticalLines where x.contains(line.value) {
            guard let px = x.pixel(line.value) else { continue }
            svg.line(
                x1: px, y1: plot.top, x2: px, y2: plot.bottom, stroke: line.colour.hex, width: ChartStyle.lineWidth,
                dash: line.dash)
        }
    }

    /// Labels of vertical lines, centred above the plot frame so they never cover data. A label
    /// that would overprint its left neighbour goes inside the plot's top edge instead, on a halo.
    /// (Horizontal lines are named in the legend.)
    private func drawReferenceLabels(into svg: inout SVGDocument, plot: PlotRect, x: AxisMapping, y: AxisMapping) {
        let labelled = verticalLines.filter { !$0.label.isEmpty && x.contains($0.value) }
            .compactMap { line in x.pixel(line.value).map { (line, $0) } }
            .sorted { $0.1 < $1.1 }
        guard !labelled.isEmpty else { return }
        svg.openGroup([("class", "reference-labels")])
        defer { svg.closeGroup() }
        let size = ChartStyle.annotationSize
        var rowEnd = -Double.infinity
        var insideRow = 0
        for (line, px) in labelled {
            let width = TextMetrics.width(line.label, fontSize: size)
            let start = px - width / 2
            if start >= rowEnd + 6 {
                svg.text(line.label, x: px, y: plot.top - 6, size: size, anchor: .middle, fill: line.colour.hex)
                rowEnd = px + width / 2
            } else {
                let ty = plot.top + size + 4 + Double(insideRow % 3) * (size + 4)
                insideRow += 1
                svg.text(line.label, x: px + 5, y: ty, size: size, fill: line.colour.hex, halo: true)
            }
        }
    }
}
