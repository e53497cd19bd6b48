import Foundation
import Testing

@testable import OrbitReports

@Suite("Reports: SVG charts")
struct ReportSVGTests {
    static let awkward = "A < B & \"C\" 'd'"

    static func chart() -> LineChart {
        var chart = LineChart(title: "Loss: \(awkward)", xLabel: "t ∈ [0, 1]", yLabel: "loss <nats>")
        let ts = (0...20).map { Double($0) / 20 }
        chart.series = [
            .init(name: awkward, x: ts, y: ts.map { 1 + $0 * (1 - $0) }, style: .train(0, marker: .circle)),
            .init(name: "linear · test", x: ts, y: ts.map { 1.1 + $0 * (1 - $0) }, style: .test(0)),
            .init(name: "bend & co", points: [(0, 2), (0.5, 3), (1, 2)], style: .train(1, marker: .diamond)),
        ]
        chart.horizontalLines = [.init(at: 1.05, label: "mean of A & B")]
        chart.verticalLines = [.init(at: 0.5, label: "t = 0.5")]
        return chart
    }

    /// Checks the properties every Orbit SVG must have and returns its parsed elements.
    static func checkCommonStructure(_ svg: String, title: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> [XMLElementInfo]
    {
        guard let elements = parseXML(svg, sourceLocation: sourceLocation) else { return [] }
        let root = elements[0]
        #expect(root.name == "svg", sourceLocation: sourceLocation)
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg", sourceLocation: sourceLocation)
        #expect(root.attributes["viewBox"] != nil, sourceLocation: sourceLocation)
        #expect(root.attributes["font-family"] == "sans-serif", sourceLocation: sourceLocation)
        #expect(elements.filter { $0.name == "title" }.map(\.text) == [title], sourceLocation: sourceLocation)
        #expect(!svg.lowercased().contains("nan"), sourceLocation: sourceLocation)
        #expect(!svg.contains("inf"), sourceLocation: sourceLocation)
        #expect(!svg.contains("href") && !svg.contains(" id="), sourceLocation: sourceLocation)
        // Readable at 800 px: no text under 12 px, no stroke under 1.5 px.
        for e in elements {
            if let size = e.attributes["font-size"].flatMap(Double.init) {
                #expect(size >= 12, "font-size \(size) on <\(e.name)>", sourceLocation: sourceLocation)
            }
            if let width = e.attributes["stroke-width"].flatMap(Double.init), e.attributes["stroke"] != "none" {
                #expect(width >= 1.5, "stroke-width \(width) on <\(e.name)>", sourceLocation: sourceLocation)
            }
        }
        return elements
    }

    @Test func lineChartIsWellFormedWithTitleAxisLabelsAndLegend() {
        let chart = Self.chart()
        let svg = chart.svg(width: 800, height: 500)
        let elements = Self.checkCommonStructure(svg, title: chart.title)
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("t ∈ [0, 1]"))
        #expect(texts.contains("loss <nats>"))
        #expect(texts.contains("Loss: \(Self.awkward)"))
        // One legend entry per series, then one per labelled horizontal line, in order.
        let legend = elements.filter { $0.name == "text" && $0.ancestorClasses.contains("legend") }.map(\.text)
        #expect(legend == [Self.awkward, "linear · test", "bend & co", "mean of A & B"])
        #expect(elements.filter { $0.attributes["class"] == "series" }.count == 3)
        // The vertical line's label, and the tick labels of both axes.
        #expect(texts.contains("t = 0.5"))
        #expect(texts.contains("0.0") && texts.contains("1.0"))
        // Test curves are dashed, train curves solid.
        let paths = elements.filter {
            $0.name == "path" && $0.ancestorClasses.contains("series") && $0.attributes["fill"] == "none"
        }
        #expect(paths.count == 3)
        #expect(paths[0].attributes["stroke-dasharray"] == nil)
        #expect(paths[1].attributes["stroke-dasharray"] != nil)
        #expect(paths[0].attributes["stroke"] == paths[1].attributes["stroke"])
        #expect(paths[0].attributes["stroke"] != paths[2].attributes["stroke"])
        // Markers: 21 circles on the first series, 3 diamonds on the third.
        #expect(elements.filter { $0.name == "circle" && $0.ancestorClasses.contains("series") }.count == 21)
        #expect(svg == chart.svg(width: 800, height: 500), "rendering is deterministic")
    }

    @Test func legendNeverOverlapsThePlot() {
        for legend in [LineChart.LegendPlacement.automatic, .right, .below] {
            var chart = Self.chart()
            chart.legend = legend
            if legend == .automatic { chart.series[0].name = String(repeating: "a very long series name ", count: 4) }
            let elements = parseXML(chart.svg(width: 800, height: 500)) ?? []
            // The frame is the first rect with a stroke and no fill.
            guard let frame = elements.first(where: { $0.name == "rect" && $0.attributes["fill"] == "none" }),
                let fx = frame.attributes["x"].flatMap(Double.init),
                let fy = frame.attributes["y"].flatMap(Double.init),
                let fw = frame.attributes["width"].flatMap(Double.init),
                let fh = frame.attributes["height"].flatMap(Double.init)
            else {
                Issue.record("no plot frame")
                continue
            }
            for e in elements where e.ancestorClasses.contains("legend") && e.name == "text" {
                let x = Double(e.attributes["x"]!)!
                let y = Double(e.attributes["y"]!)!
                #expect(
                    !(x > fx && x < fx + fw && y > fy && y < fy + fh), "legend text at (\(x), \(y)) inside the plot")
            }
        }
    }

    @Test func nonFinitePointsMakeGapsNotNaN() {
        var chart = LineChart(title: "gaps", xLabel: "t", yLabel: "loss", yScale: .linear)
        let ys: [Double] = [1, 2, .nan, 3, 4, .infinity, 5, 6, -.infinity, 7, .nan]
        chart.series = [.init(name: "with gaps", x: (0..<ys.count).map(Double.init), y: ys)]
        let svg = chart.svg(width: 800, height: 500)
        let elements = Self.checkCommonStructure(svg, title: "gaps")
        let d = elements.first { $0.name == "path" && $0.ancestorClasses.contains("series") }?.attributes["d"] ?? ""
        // Runs [1,2], [3,4], [5,6]; 7 stands alone and becomes a dot.
        #expect(d.filter { $0 == "M" }.count == 3)
        #expect(elements.filter { $0.name == "circle" && $0.ancestorClasses.contains("series") }.count == 1)

        // Log scale: zero and negative values are gaps too; an all-invalid series draws nothing.
        var log = LineChart(title: "log gaps", xLabel: "t", yLabel: "loss", yScale: .logarithmic)
        log.series = [
            .init(name: "s", points: [(0, 1), (1, 0), (2, 0.1), (3, -1), (4, 10), (5, 100)]),
            .init(name: "nothing", points: [(0, .nan), (1, -2)]),
        ]
        let logSVG = log.svg(width: 800, height: 500)
        _ = Self.checkCommonStructure(logSVG, title: "log gaps")
        // Empty charts still render.
        _ = Self.checkCommonStructure(LineChart(title: "empty", xLabel: "x", yLabel: "y").svg(), title: "empty")
    }

    @Test func fixedRangesClipLinesAtTheFrame() {
        var chart = LineChart(title: "clipped", xLabel: "t", yLabel: "loss")
        chart.series = [.init(name: "spike", points: [(0, 0), (1, 100), (2, 0)])]
        chart.yRange = 0...1
        let elements = parseXML(chart.svg(width: 800, height: 500)) ?? []
        let frame = elements.first { $0.name == "rect" && $0.attributes["fill"] == "none" }!
        let top = Double(frame.attributes["y"]!)!
        let d = elements.first { $0.name == "path" && $0.ancestorClasses.contains("series") }!.attributes["d"]!
        let ys = d.split(separator: " ").enumerated().filter { $0.offset % 2 == 1 }.map { Double($0.element)! }
        #expect(ys.allSatisfy { $0 >= top - 0.01 })
        #expect(d.filter { $0 == "M" }.count == 2)  // up to the frame, then from the frame down
    }

    @Test func heatmapHasCellsContoursColourBarAndMarkers() {
        let map = ReportSamples.planeHeatmap()
        let svg = map.svg(width: 800, height: 640)
        let elements = Self.checkCommonStructure(svg, title: map.title)
        #expect(elements.filter { $0.name == "rect" && $0.ancestorClasses.contains("cells") }.count == 21 * 21)
        #expect(elements.filter { $0.name == "path" && $0.ancestorClasses.contains("contours") }.count >= 4)
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        for label in [map.xLabel, map.yLabel, map.valueLabel] { #expect(texts.contains(label)) }
        let onPlot = elements.filter { $0.name == "text" && $0.ancestorClasses.contains("markers") }.map(\.text)
        #expect(onPlot == ["A", "B", "bend"])
        let legend = elements.filter { $0.name == "text" && $0.ancestorClasses.contains("legend") }.map(\.text)
        #expect(legend == ["A: minimum, seed 1", "B: minimum, seed 2", "bend: trained Bézier control point"])
        #expect(texts.contains("1") && texts.contains("10"), "log colour-bar ticks")
        #expect(svg == map.svg(width: 800, height: 640))
        // Equal aspect: the plot's width/height is the data's (2.1 / 1.89).
        let frame = elements.first { $0.name == "rect" && $0.attributes["fill"] == "none" }!
        let ratio = Double(frame.attributes["width"]!)! / Double(frame.attributes["height"]!)!
        #expect(abs(ratio - 2.1 / 1.89) < 0.01)
    }

    @Test func heatmapToleratesMissingValuesAndEscapesText() {
        var map = Heatmap(
            title: Self.awkward, xLabel: "x & y", yLabel: "<y>", valueLabel: "\"z\"", x: [0, 1, 2], y: [0, 1],
            z: [[1, .nan], [2, 3], [-1]])
        map.colourScale = .logarithmic
        map.markers = [.init(label: "A&B", x: 1, y: 0.5, shape: .star), .init(label: "far", x: 10, y: 10)]
        let svg = map.svg()
        let elements = Self.checkCommonStructure(svg, title: Self.awkward)
        let cells = elements.filter { $0.name == "rect" && $0.ancestorClasses.contains("cells") }
        #expect(cells.count == 6)
        // NaN, the non-positive −1 (log scale) and the missing z[2][1] are grey.
        #expect(cells.filter { $0.attributes["fill"] == Heatmap.missingColour }.count == 3)
        #expect(elements.contains { $0.name == "text" && $0.text == "A&B" })
        // Linear scale, explicit levels, no markers, non-equal aspect: also fine.
        var plain = Heatmap(
            title: "plain", xLabel: "x", yLabel: "y", valueLabel: "", x: [0, 1, 2, 3], y: [0, 10],
            z: [[0, 1], [1, 2], [2, 3], [3, 4]], contourLevels: .values([1.5, 2.5]), equalAspect: false)
        plain.colourRange = 0...5
        _ = Self.checkCommonStructure(plain.svg(), title: "plain")
        #expect(plain.resolvedContourLevels == [1.5, 2.5])
        #expect(plain.contourLines().count == 2)
        // Malformed grids (decreasing or non-finite coordinates, empty values) render without trapping.
        for (x, y, z) in [
            ([2.0, 1, 0], [1.0, 0], [[1.0, 2], [3, 4], [5, 6]]), ([0, .nan], [0, 1], [[1, 2], [3, 4]]),
            ([], [], []),
        ] {
            let odd = Heatmap(title: "odd", xLabel: "x", yLabel: "y", valueLabel: "z", x: x, y: y, z: z)
            _ = Self.checkCommonStructure(odd.svg(), title: "odd")
        }
    }

    @Test func automaticContourLevelsAreNiceAndInsideTheRange() {
        let map = ReportSamples.planeHeatmap()
        let range = map.resolvedColourRange
        let levels = map.resolvedContourLevels
        #expect(levels.count >= 4 && levels.count <= 14)
        #expect(levels.allSatisfy { $0 > range.lowerBound && $0 < range.upperBound })
        #expect(levels == levels.sorted())
        var linear = map
        linear.colourScale = .linear
        linear.contourLevels = .automatic(count: 6)
        let linearLevels = linear.resolvedContourLevels
        #expect(linearLevels.count >= 3)
        let steps = zip(linearLevels, linearLevels.dropFirst()).map { $1 - $0 }
        #expect(steps.allSatisfy { abs($0 - steps[0]) < 1e-9 })
    }

    @Test func viridisMatchesTheReferenceColours() {
        #expect(ColourMap.viridis.colour(at: 0).hex == "#440154")
        #expect(ColourMap.viridis.colour(at: 0.5).hex == "#21918c")
        #expect(ColourMap.viridis.colour(at: 1).hex == "#fde725")
        #expect(ColourMap.viridis.colour(at: -3).hex == "#440154")
        #expect(ColourMap.viridis.colour(at: .nan).hex == "#440154")
        #expect(ColourMap.viridis.colour(at: 7).hex == "#fde725")
        // Lightness rises monotonically along viridis.
        let luminances = (0...50).map { ColourMap.viridis.colour(at: Double($0) / 50).luminance }
        #expect(zip(luminances, luminances.dropFirst()).allSatisfy { $0 < $1 })
        #expect(Palette.colour(0).hex == "#0072b2")
        #expect(Palette.colour(8) == Palette.colour(0))
    }

    @Test func escapingCoversMarkupCharacters() {
        #expect(MarkupEscaping.escape("A < B & \"C\" 'd' >") == "A &lt; B &amp; &quot;C&quot; &#39;d&#39; &gt;")
        #expect(MarkupEscaping.escape("bell\u{7}tab\tok") == "belltab\tok")
    }

    @Test func writesThroughAtomicFile() throws {
        let directory = TemporaryDirectory()
        let chart = Self.chart()
        try chart.write(to: directory.file("chart.svg"))
        #expect(try String(contentsOfFile: directory.file("chart.svg"), encoding: .utf8) == chart.svg())
        #expect(directory.contents == ["chart.svg"])
    }
}
