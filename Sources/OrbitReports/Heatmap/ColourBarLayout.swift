/// The vertical colour bar right of a heatmap: the colour map from bottom (low) to top (high),
/// ticks with labels, the contour levels as lines across it, and the value label.
struct ColourBarLayout {
    static let gap = 22.0
    static let barWidth = 18.0
    /// Slices drawn for the gradient: a stack of rectangles instead of a `<linearGradient>`, which
    /// would need an `id` (ids collide when several SVGs share one HTML page).
    static let slices = 96

    let plot: PlotRect
    let ticks: AxisTicks
    let labelWidth: Double

    func draw(into svg: inout SVGDocument, heatmap: Heatmap, levels: [Double]) {
        let left = plot.right + Self.gap
        let top = plot.top
        let height = plot.height
        let sliceHeight = height / Double(Self.slices)
        svg.openGroup([("class", "colour-bar"), ("shape-rendering", "crispEdges")])
        for k in 0..<Self.slices {
            let fraction = (Double(k) + 0.5) / Double(Self.slices)
            let y = top + height - Double(k + 1) * sliceHeight
            // Each slice overlaps the one above by a fraction of a pixel so no seam shows.
            svg.rect(
                x: left, y: y, width: Self.barWidth, height: sliceHeight + (k == Self.slices - 1 ? 0 : 0.5),
                fill: heatmap.colourMap.colour(at: fraction).hex)
        }
        svg.closeGroup()

        func position(_ value: Double) -> Double? {
            guard let f = heatmap.colourFraction(value), heatmap.colourScale.transformed(value) != nil else {
                return nil
            }
            return top + height - f * height
        }
        let range = heatmap.resolvedColourRange
        func inRange(_ v: Double) -> Bool {
            v >= range.lowerBound - abs(range.lowerBound) * 1e-12
                && v <= range.upperBound + abs(range.upperBound) * 1e-12
        }

        // Contour levels, drawn like the contours themselves.
        for level in levels where inRange(level) {
            guard let y = position(level) else { continue }
            svg.line(x1: left, y1: y, x2: left + Self.barWidth, y2: y, stroke: Heatmap.contourColour, width: 1.5)
        }
        svg.rect(
            x: left, y: top, width: Self.barWidth, height: height, fill: "none", stroke: ChartStyle.frameColour,
            strokeWidth: ChartStyle.lineWidth)

        let tickX = left + Self.barWidth
        svg.openGroup([
            ("stroke", ChartStyle.frameColour), ("stroke-width", NumberText.coordinate(ChartStyle.lineWidth)),
        ])
        for v in ticks.values where inRange(v) {
            guard let y = position(v) else { continue }
            svg.element("line", AxesRenderer.segment(tickX, y, tickX + ChartStyle.tickLength, y))
        }
        for v in ticks.minorValues where inRange(v) {
            guard let y = position(v) else { continue }
            svg.element("line", AxesRenderer.segment(tickX, y, tickX + ChartStyle.tickLength * 0.6, y))
        }
        svg.closeGroup()
        let size = ChartStyle.tickLabelSize
        for (v, label) in zip(ticks.values, ticks.labels) where inRange(v) {
            guard let y = position(v) else { continue }
            svg.text(label, x: tickX + ChartStyle.tickLength + 4, y: y + ChartStyle.verticalCentring(size), size: size)
        }
        if !heatmap.valueLabel.isEmpty {
            let x = tickX + ChartStyle.tickLength + 4 + labelWidth + 22
            svg.text(
                heatmap.valueLabel, x: x, y: top + height / 2, size: ChartStyle.axisLabelSize, anchor: .middle,
                rotate: -90)
        }
    }
}
