import Foundation
import Testing

@testable import OrbitFormats
@testable import OrbitReports

@Suite("Reports: CSV and JSON files")
struct ReportTableFileTests {
    @Test func csvQuotesCommasQuotesNewlinesAndEdgeSpaces() {
        var csv = CSVDocument(columns: ["name", "a,b", "say \"hi\""])
        csv.append([.text("plain"), .text("x,y"), .text("he said \"no\"")])
        csv.append([.text("multi\nline"), .text(" padded "), .text("cr\r\nlf")])
        csv.append([.empty, .integer(-3), .number(0.5)])
        let expected = [
            #"name,"a,b","say ""hi""""#,
            #"plain,"x,y","he said ""no""""#,
            "\"multi\nline\",\" padded \",\"cr\r\nlf\"",
            ",-3,0.5",
        ]
        #expect(csv.text == expected.joined(separator: "\n") + "\n")
    }

    @Test func csvFromColumnsPadsShortColumns() {
        let csv = CSVDocument(numericColumns: [("t", [0, 0.5, 1]), ("loss", [2.5, 1.25])])
        #expect(csv.text == "t,loss\n0.0,2.5\n0.5,1.25\n1.0,\n")
        #expect(CSVDocument(numericColumns: []).text == "\n")
    }

    @Test func csvNumbersRoundTripExactly() throws {
        let values: [Double] = [
            0.1, 1.0 / 3, 2.0 / 3, 1e-300, 5e-324, -0.0, 1.7976931348623157e308, .pi, -123456789.123456789,
            0.30000000000000004, 1e16, 12_345_678_901_234_567_890, .nan, .infinity, -.infinity, 100,
        ]
        var csv = CSVDocument(columns: values.indices.map { "c\($0)" })
        csv.append(numbers: values)
        let line = csv.text.split(separator: "\n")[1]
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells.count == values.count)
        for (cell, value) in zip(cells, values) {
            guard let parsed = Double(cell) else {
                Issue.record("\(cell) does not parse")
                continue
            }
            if value.isNaN {
                #expect(parsed.isNaN)
            } else {
                #expect(parsed.bitPattern == value.bitPattern, "\(cell) → \(parsed) ≠ \(value)")
            }
        }
        // OrbitFormats' reader reads what we write.
        let table = try CSVTable.parse(ByteSlice(Array(csv.text.utf8)), file: "t.csv")
        #expect(table.columnNames == csv.columns)
        #expect(table.values[0, 0] == 0.1)
        #expect(table.values[0, 4] == 5e-324)
        #expect(table.values[0, 13] == .infinity)
    }

    @Test func csvWriteRejectsRaggedRowsAndWritesAtomically() throws {
        let directory = TemporaryDirectory()
        var csv = CSVDocument(columns: ["t", "loss"])
        csv.append(numbers: [0, 0.25])
        try csv.write(to: directory.file("ok.csv"))
        #expect(try String(contentsOfFile: directory.file("ok.csv"), encoding: .utf8) == "t,loss\n0.0,0.25\n")
        csv.append([1.0])
        #expect(throws: ReportError.raggedCSVRow(row: 2, expected: 2, found: 1)) {
            try csv.write(to: directory.file("bad.csv"))
        }
        #expect(directory.contents == ["ok.csv"])
        #expect(ReportError.raggedCSVRow(row: 2, expected: 2, found: 1).description.contains("row 2"))
    }

    struct Result: Codable, Equatable {
        var zeta: Double
        var alpha: [Double]
        var name: String
        var nested: [String: Int]
    }

    @Test func jsonIsPrettySortedAndSpellsNonFiniteNumbers() throws {
        let text = try JSONReport.encode(
            Result(zeta: .nan, alpha: [0.1, .infinity, -.infinity], name: "a/b", nested: ["y": 1, "x": 2]))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"NaN\"") && text.contains("\"Infinity\"") && text.contains("\"-Infinity\""))
        #expect(text.contains("a/b"))
        let keys = ["\"alpha\"", "\"name\"", "\"nested\"", "\"zeta\""].map { text.range(of: $0)!.lowerBound }
        #expect(keys == keys.sorted())
        #expect(text.range(of: "\"x\"")!.lowerBound < text.range(of: "\"y\"")!.lowerBound)
        #expect(text.contains("\n  "))  // indented
        #expect(
            try JSONReport.encode(Result(zeta: 1, alpha: [], name: "", nested: [:]))
                == JSONReport.encode(Result(zeta: 1, alpha: [], name: "", nested: [:])))
    }

    @Test func resultValuesAreWrittenWithNullsAndNonFiniteSpellings() throws {
        let missing: Double? = nil
        let present: Double? = 2.5
        // A ResultValue holds only what JSON can represent (a Date or Data does not compile), so the
        // old run-time check of [String: Any] is now the type's.
        let object: ResultValue = [
            "b": [1, 2.5, true, "x"] as ResultValue,
            "a": ["nan": Double.nan, "float": Float(0.5), "inf": -Float.infinity] as ResultValue,
            "c": ResultValue.null, "d": missing, "e": present, "f": Int64(1) << 60,
        ]
        let text = try JSONReport.encode(object)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let a = parsed["a"] as! [String: Any]
        #expect(a["nan"] as? String == "NaN")
        #expect(a["inf"] as? String == "-Infinity")
        #expect((a["float"] as? NSNumber)?.doubleValue == 0.5)
        #expect(parsed["c"] is NSNull && parsed["d"] is NSNull)
        #expect((parsed["e"] as? NSNumber)?.doubleValue == 2.5)
        #expect((parsed["f"] as? NSNumber)?.int64Value == Int64(1) << 60)
        #expect(text.range(of: "\"a\"")!.lowerBound < text.range(of: "\"b\"")!.lowerBound)
        #expect(try JSONReport.encode(object) == text)
        // An all-Encodable literal takes the Encodable path, where dates are ISO 8601 text.
        #expect(try JSONReport.encode(["when": Date(timeIntervalSince1970: 0)]).contains("1970-01-01T00:00:00Z"))
        let directory = TemporaryDirectory()
        try JSONReport.write(object, to: directory.file("r.json"))
        try JSONReport.write(Result(zeta: 1, alpha: [2], name: "n", nested: [:]), to: directory.file("s.json"))
        #expect(try String(contentsOfFile: directory.file("r.json"), encoding: .utf8) == text)
        let decoded = try JSONDecoder().decode(
            Result.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file("s.json"))))
        #expect(decoded == Result(zeta: 1, alpha: [2], name: "n", nested: [:]))
    }
}
