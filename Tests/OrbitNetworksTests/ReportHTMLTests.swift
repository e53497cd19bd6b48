import Foundation
import Testing

@testable import OrbitReports

@Suite("Reports: HTML pages")
struct ReportHTMLTests {
    static func report() -> HTMLReport {
        var report = HTMLReport(
            title: "Paths <between> minima & \"more\"",
            facts: [("Orbit version", "1.2.3"), ("seed", "42"), ("configuration", "{\"a\": \"<b>\"}\nsecond line")])
        var paths = HTMLReport.Section("Loss & accuracy")
        paths.paragraph("Barriers use the <mean-endpoint> definition & nothing else.")
        paths.figure(ReportSamples.lossChart(), caption: "Loss along paths <1 & 2>.")
        paths.table(
            .init(
                columns: ["path", "barrier", "note"],
                rows: [
                    ["linear", "0.4125", "a, \"quoted\""], ["Bézier", "-1.5e-3", "<ok>"], ["orbit", "12 %", ""],
                    ["short"],
                ],
                caption: "Barriers <train>."))
        report.sections.append(paths)
        var plane = HTMLReport.Section("Plane")
        plane.figure(ReportSamples.planeHeatmap(), caption: "The plane.")
        plane.figure(
            .init(
                svg: "<?xml version=\"1.0\"?>\n" + ReportSamples.lossChart().svg(width: 600, height: 400),
                caption: "Prolog dropped."))
        plane.preformatted("orbit paths --seed 42 <in.npz>")
        plane.list(["one & two", "<three>"])
        report.sections.append(plane)
        return report
    }

    @Test func pageIsSelfContainedEscapedAndWellFormed() throws {
        let html = Self.report().html()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        // Nothing external: no src or href at all, no scripts, no url(...) in the CSS.
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("url("))
        #expect(!html.contains("<?xml"))
        guard let elements = parseXML(html) else { return }
        // Escaped text round-trips through a parser.
        #expect(elements.first { $0.name == "title" }?.text == "Paths <between> minima & \"more\"")
        #expect(elements.first { $0.name == "h1" }?.text == "Paths <between> minima & \"more\"")
        #expect(elements.filter { $0.name == "dt" }.map(\.text) == ["Orbit version", "seed", "configuration"])
        #expect(elements.filter { $0.name == "dd" }.last?.text == "{\"a\": \"<b>\"}\nsecond line")
        #expect(elements.filter { $0.name == "h2" }.map(\.text) == ["Loss & accuracy", "Plane"])
        #expect(
            elements.contains {
                $0.name == "p" && $0.text == "Barriers use the <mean-endpoint> definition & nothing else."
            })
        #expect(elements.contains { $0.name == "pre" && $0.text == "orbit paths --seed 42 <in.npz>" })
        #expect(elements.filter { $0.name == "li" }.map(\.text) == ["one & two", "<three>"])
        // Every figure's SVG is embedded inline, with its caption numbered.
        let svgs = elements.filter { $0.name == "svg" }
        #expect(svgs.count == 3)
        #expect(svgs.allSatisfy { $0.ancestorNames.suffix(1) == ["figure"] })
        let captions = elements.filter { $0.name == "figcaption" }.map(\.text)
        #expect(captions == [" Loss along paths <1 & 2>.", " The plane.", " Prolog dropped."])
        let labels = elements.filter { $0.name == "span" && $0.ancestorNames.last == "figcaption" }.map(\.text)
        #expect(labels == ["Figure 1.", "Figure 2.", "Figure 3."])
        // The figures' own titles are there too.
        let svgTitles = elements.filter { $0.name == "title" && $0.ancestorNames.last == "svg" }.map(\.text)
        #expect(
            svgTitles == [
                ReportSamples.lossChart().title, ReportSamples.planeHeatmap().title, ReportSamples.lossChart().title,
            ])
    }

    @Test func tablesRenderTheCellsWithNumbersRightAligned() {
        guard let elements = parseXML(Self.report().html()) else { return }
        #expect(elements.filter { $0.name == "th" }.map(\.text) == ["path", "barrier", "note"])
        let cells = elements.filter { $0.name == "td" }
        #expect(
            cells.map(\.text) == [
                "linear", "0.4125", "a, \"quoted\"", "Bézier", "-1.5e-3", "<ok>", "orbit", "12 %", "", "short", "", "",
            ])
        let numeric = cells.filter { $0.attributes["class"] == "num" }.map(\.text)
        #expect(numeric == ["0.4125", "-1.5e-3", "12 %"])
        // The all-numeric column's heading is right-aligned too.
        #expect(elements.filter { $0.name == "th" && $0.attributes["class"] == "num" }.map(\.text) == ["barrier"])
        #expect(elements.contains { $0.name == "caption" && $0.text == " Barriers <train>." })
        #expect(HTMLReport.Table.isNumeric("0.41 ± 0.02"))
        #expect(HTMLReport.Table.isNumeric("\u{2212}3"))
        #expect(HTMLReport.Table.isNumeric("nan"))
        #expect(!HTMLReport.Table.isNumeric("linear"))
        #expect(!HTMLReport.Table.isNumeric(""))
    }

    @Test func sameInputGivesIdenticalBytesAndTheFileMatches() throws {
        let a = Self.report().html()
        let b = Self.report().html()
        #expect(a == b)
        let directory = TemporaryDirectory()
        try Self.report().write(to: directory.file("report.html"))
        #expect(try String(contentsOfFile: directory.file("report.html"), encoding: .utf8) == a)
        #expect(directory.contents == ["report.html"])
        // An empty report is still a valid page.
        #expect(parseXML(HTMLReport(title: "empty").html()) != nil)
    }
}
