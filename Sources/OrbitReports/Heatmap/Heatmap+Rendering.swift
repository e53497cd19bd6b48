extension Heatmap {
    public func svg(width: Int, height: Int) -> String {
        let w = Double(width)
        let h = Double(height)
        let xEdges = Self.cellEdges(Array(x.prefix(z.count)))
        let yEdges = Self.cellEdges(y)
        let xRange = Self.extent(xEdges)
        let yRange = Self.extent(yEdges)
        let top = AxesRenderer.topSpace(title: title)

        // Margins: y tick labels on the left; the colour bar with its ticks and label on the right;
        // ticks, the x label and the marker legend below.
        let provisionalHeight = max(h - top - AxesRenderer.bottomSpace - 40, 60)
        let yTicks = AxisScale.linear.ticks(yRange, targetCount: LineChart.tickTarget(provisionalHeight, spacing: 60))
        let colourTicks = colourScale.ticks(
            resolvedColourRange, targetCount: LineChart.tickTarget(provisionalHeight, spacing: 55))
        let yLabelX = 22.0
        let leftMargin = yLabelX + 12 + AxesRenderer.yTickLabelWidth(yTicks) + ChartStyle.tickLength + 6
        let colourLabelWidth =
            colourTicks.labels.map { TextMetrics.width($0, fontSize: ChartStyle.tickLabelSize) }
            .max() ?? 0
        let right =
            ColourBarLayout.gap + ColourBarLayout.barWidth + ChartStyle.tickLength + 4 + colourLabelWidth
            + (valueLabel.isEmpty ? 0 : 26) + 14
        let legend = MarkerLegend(markers: markers, availableWidth: w - 40)
        let bottom = AxesRenderer.bottomSpace + legend.height + 10

        let availableWidth = max(w - leftMargin - right, 40)
        let availableHeight = max(h - top - bottom, 40)
        var left = leftMargin
        var plotWidth = availableWidth
        var plotHeight = availableHeight
        let spanX = xRange.upperBound - xRange.lowerBound
        let spanY = yRange.upperBound - yRange.lowerBound
        if equalAspect, spanX > 0, spanY > 0 {
            let unitsPerPixel = max(spanX / availableWidth, spanY / availableHeight)
            plotWidth = spanX / unitsPerPixel
            plotHeight = spanY / unitsPerPixel
            left += (availableWidth - plotWidth) / 2  // centre the narrower plot
        }
        let plot = PlotRect(left: left, top: top, width: plotWidth, height: plotHeight)
        let xMap = AxisMapping(scale: .linear, range: xRange, start: plot.left, end: plot.right)
        let yMap = AxisMapping(scale: .linear, range: yRange, start: plot.bottom, end: plot.top)
        let xTicks = AxisScale.linear.ticks(xRange, targetCount: LineChart.tickTarget(plot.width, spacing: 85))
        let finalYTicks = AxisScale.linear.ticks(yRange, targetCount: LineChart.tickTarget(plot.height, spacing: 60))
        let axes = AxesRenderer(plot: plot, x: xMap, y: yMap, xTicks: xTicks, yTicks: finalYTicks)

        var svg = SVGDocument(width: width, height: height, title: title)
        drawCells(into: &svg, xEdges: xEdges, yEdges: yEdges, x: xMap, y: yMap)
        let levels = resolvedContourLevels
        drawContours(into: &svg, levels: levels, x: xMap, y: yMap)
        axes.drawAxes(into: &svg, xLabel: xLabel, yLabel: yLabel, yLabelX: plot.left - leftMargin + yLabelX)
        drawMarkers(into: &svg, plot: plot, x: xMap, y: yMap)
        ColourBarLayout(plot: plot, ticks: colourTicks, labelWidth: colourLabelWidth)
            .draw(into: &svg, heatmap: self, levels: levels)
        AxesRenderer.drawTitle(into: &svg, title, centreX: w / 2)
        legend.draw(into: &svg, left: 20, top: plot.bottom + AxesRenderer.bottomSpace + 12, width: w - 40)
        return svg.finished()
    }

    /// One rectangle per grid value. Borders are computed once per grid line and shared by the
    /// cells on both sides, and `crispEdges` keeps anti-aliasing from leaving hairline seams.
    private func drawCells(
        into svg: inout SVGDocument, xEdges: [Double], yEdges: [Double], x: AxisMapping, y: AxisMapping
    ) {
        let px = xEdges.map { x.pixel($0) ?? 0 }
        let py = yEdges.map { y.pixel($0) ?? 0 }
        svg.openGroup([("class", "cells"), ("shape-rendering", "crispEdges")])
        for i in 0..<max(0, px.count - 1) {
            let column = z[i]
            for j in 0..<max(0, py.count - 1) {
                let v = j < column.count ? column[j] : .nan
                let fill = colourFraction(v).map { colourMap.colour(at: $0).hex } ?? Self.missingColour
                // y grows downwards on the page: the cell's top is the upper border's pixel.
                svg.rect(x: px[i], y: py[j + 1], width: px[i + 1] - px[i], height: py[j] - py[j + 1], fill: fill)
            }
        }
        svg.closeGroup()
    }

    /// All lines of a level in one path; a dark halo under the white line keeps it visible on the
    /// light end of the colour map.
    private func drawContours(into svg: inout SVGDocument, levels: [Double], x: AxisMapping, y: AxisMapping) {
        guard !levels.isEmpty else { return }
        var paths: [String] = []
        for level in levels {
            var d = ""
            for line in MarchingSquares.contours(x: self.x, y: self.y, z: z, level: level) {
                for (k, p) in line.points.enumerated() {
                    guard let px = x.pixel(p.x), let py = y.pixel(p.y) else { continue }
                    d +=
                        (d.isEmpty ? "" : " ") + (k == 0 ? "M" : "L") + NumberText.coordinate(px) + " "
                        + NumberText.coordinate(py)
                }
                if line.isClosed { d += " Z" }
            }
            if !d.isEmpty { paths.append(d) }
        }
        svg.openGroup([
            ("class", "contours"), ("fill", "none"), ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
        ])
        for d in paths {
            svg.element("path", [("d", d), ("stroke", "#000000"), ("stroke-opacity", "0.3"), ("stroke-width", "3")])
        }
        for d in paths {
            svg.element("path", [("d", d), ("stroke", Self.contourColour), ("stroke-width", "1.5")])
        }
        svg.closeGroup()
    }

    private func drawMarkers(into svg: inout SVGDocument, plot: PlotRect, x: AxisMapping, y: AxisMapping) {
        guard !markers.isEmpty else { return }
        svg.openGroup([("class", "markers")])
        defer { svg.closeGroup() }
        let size = 6.0
        for marker in markers {
            guard let px = x.pixel(marker.x), let py = y.pixel(marker.y), plot.contains(px, py) else { continue }
            marker.shape.draw(
                into: &svg, x: px, y: py, size: size, fill: "#ffffff", stroke: "#111111", strokeWidth: 1.5)
            guard !marker.label.isEmpty else { continue }
            let labelSize = 13.0
            let labelWidth = TextMetrics.width(marker.label, fontSize: labelSize)
            let fitsRight = px + size + 4 + labelWidth <= plot.right - 2
            let fitsAbove = py - size - 4 - labelSize >= plot.top
            svg.text(
                marker.label, x: fitsRight ? px + size + 4 : px - size - 4,
                y: fitsAbove ? py - size - 3 : py + size + labelSize + 1, size: labelSize,
                anchor: fitsRight ? .start : .end, bold: true, fill: "#111111", halo: true)
        }
    }
}
