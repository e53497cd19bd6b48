import Foundation
import Testing

@testable import OrbitReports

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a parsed XML document, flattened: its name, attributes, direct text, and the
/// `class` attributes of its ancestors (innermost last).
struct XMLElementInfo {
    var name: String
    var attributes: [String: String]
    var text: String
    var ancestorClasses: [String]
    var ancestorNames: [String]
}

/// Parses `text` as XML with Foundation's XMLParser; nil (and a recorded issue) if it is not
/// well-formed.
func parseXML(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [XMLElementInfo]? {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [XMLElementInfo] = []
        var stack: [Int] = []
        var failure: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let ancestors = stack.map { elements[$0] }
            elements.append(
                XMLElementInfo(
                    name: elementName, attributes: attributes, text: "",
                    ancestorClasses: ancestors.compactMap { $0.attributes["class"] },
                    ancestorNames: ancestors.map(\.name)))
            stack.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let top = stack.last { elements[top].text += string }
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            failure = "\(parseError) at line \(parser.lineNumber), column \(parser.columnNumber)"
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    guard ok, collector.failure == nil else {
        Issue.record("not well-formed XML: \(collector.failure ?? "parse failed")", sourceLocation: sourceLocation)
        return nil
    }
    return collector.elements
}

/// Sample figures shared by the tests and the example rendering.
enum ReportSamples {
    /// Two paths between two minima, training (solid) and test (dashed) loss, the end points' mean
    /// loss as a reference line and t = 0.5 marked.
    static func lossChart() -> LineChart {
        let ts = (0...40).map { Double($0) / 40 }
        func linear(_ t: Double) -> Double { 0.12 + 1.9 * t * (1 - t) * 4 * 0.45 + 0.02 * t }
        func bezier(_ t: Double) -> Double { 0.12 + 0.35 * 4 * t * (1 - t) * (1 - 0.6 * t * (1 - t)) + 0.02 * t }
        var chart = LineChart(title: "Loss along the paths between A and B", xLabel: "t", yLabel: "cross-entropy loss")
        chart.series = [
            .init(name: "linear · train", x: ts, y: ts.map(linear), style: .train(0)),
            .init(name: "linear · test", x: ts, y: ts.map { linear($0) * 1.08 + 0.05 }, style: .test(0)),
            .init(name: "Bézier · train", x: ts, y: ts.map(bezier), style: .train(1)),
            .init(name: "Bézier · test", x: ts, y: ts.map { bezier($0) * 1.08 + 0.05 }, style: .test(1)),
        ]
        chart.horizontalLines = [.init(at: 0.13, label: "end-point mean (train)")]
        chart.verticalLines = [.init(at: 0.5, label: "t = 0.5")]
        return chart
    }

    /// A 21×21 loss surface on a plane through A, B and a bend, with a valley joining A and B.
    static func planeHeatmap() -> Heatmap {
        let us = (0...20).map { -0.5 + 2.0 * Double($0) / 20 }
        let vs = (0...20).map { -0.6 + 1.8 * Double($0) / 20 }
        func loss(_ u: Double, _ v: Double) -> Double {
            // A curved valley v = 0.8·u(1-u) from A (0,0) to B (1,0), walls rising away from it.
            let valley = v - 0.8 * u * (1 - u)
            return 0.1 + 3 * valley * valley + 0.25 * (u - 0.5) * (u - 0.5) * (1 + 2 * v * v) + 0.05 * u
        }
        let z = us.map { u in vs.map { v in loss(u, v) } }
        var map = Heatmap(
            title: "Training loss on the plane through A, B and the bend", xLabel: "u (along A→B)",
            yLabel: "v (towards the bend)", valueLabel: "training loss", x: us, y: vs, z: z)
        map.colourScale = .logarithmic
        map.markers = [
            .init(label: "A", x: 0, y: 0, shape: .circle, description: "minimum, seed 1"),
            .init(label: "B", x: 1, y: 0, shape: .square, description: "minimum, seed 2"),
            .init(label: "bend", x: 0.5, y: 0.4, shape: .triangle, description: "trained Bézier control point"),
        ]
        return map
    }
}
