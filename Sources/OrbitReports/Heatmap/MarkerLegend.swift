/// The legend of a heatmap's named markers: symbol and text, left to right, wrapping into rows,
/// below the plot.
struct MarkerLegend {
    let markers: [Heatmap.Marker]
    /// Each entry's row and x offset.
    let placements: [(row: Int, x: Double)]
    let height: Double

    static let rowHeight = 22.0

    init(markers: [Heatmap.Marker], availableWidth: Double) {
        self.markers = markers
        var placements: [(row: Int, x: Double)] = []
        var row = 0
        var x = 0.0
        for marker in markers {
            let entryWidth = 20 + TextMetrics.width(marker.legendText, fontSize: ChartStyle.legendSize)
            if x > 0 && x + entryWidth > availableWidth {
                row += 1
                x = 0
            }
            placements.append((row, x))
            x += entryWidth + 24
        }
        self.placements = placements
        height = markers.isEmpty ? 0 : Double(row + 1) * Self.rowHeight + 4
    }

    /// Draws the rows centred in [`left`, `left + width`].
    func draw(into svg: inout SVGDocument, left: Double, top: Double, width: Double) {
        guard !markers.isEmpty else { return }
        // Centre each row: its width is its last entry's end.
        var rowWidths: [Int: Double] = [:]
        for (k, marker) in markers.enumerated() {
            let end = placements[k].x + 20 + TextMetrics.width(marker.legendText, fontSize: ChartStyle.legendSize)
            rowWidths[placements[k].row] = max(rowWidths[placements[k].row] ?? 0, end)
        }
        svg.openGroup([("class", "legend")])
        defer { svg.closeGroup() }
        for (k, marker) in markers.enumerated() {
            let (row, offset) = placements[k]
            let rowLeft = left + (width - (rowWidths[row] ?? 0)) / 2
            let y = top + Double(row) * Self.rowHeight + 8
            marker.shape.draw(
                into: &svg, x: rowLeft + offset + 6, y: y, size: 5.5, fill: "#ffffff", stroke: "#111111",
                strokeWidth: 1.5)
            svg.text(
                marker.legendText, x: rowLeft + offset + 20, y: y + ChartStyle.verticalCentring(ChartStyle.legendSize),
                size: ChartStyle.legendSize)
        }
    }
}
