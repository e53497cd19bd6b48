import Foundation
import Testing

@testable import OrbitReports

/// JSONReport, the one JSON writer: non-finite numbers spelled and read back, keys sorted at every
/// depth, nested Codable values and ResultValue trees round-trip.
@Suite("Reports: the JSON writer")
struct ReportJSONWriterTests {
    struct Inner: Codable, Equatable {
        var zulu: Double
        var alpha: [Double]
        var tree: ResultValue
    }

    struct Outer: Codable, Equatable {
        var name: String
        var inner: [Inner]
        var byName: [String: Inner]
        var optional: Double?
    }

    /// Bitwise equality, NaN equal to NaN.
    static func same(_ a: Double, _ b: Double) -> Bool { a.isNaN ? b.isNaN : a.bitPattern == b.bitPattern }

    @Test func nonFiniteDoublesRoundTripThroughCodableAndResultValue() throws {
        let values: [Double] = [.infinity, -.infinity, .nan, 0, -0.0, 0.1, 1e308, 5e-324, -2.5]
        let decoded = try JSONReport.decode([Double].self, from: JSONReport.encode(values))
        #expect(zip(values, decoded).allSatisfy { Self.same($0, $1) } && decoded.count == values.count)
        let tree = try JSONReport.decode(ResultValue.self, from: JSONReport.encode(values.resultValue))
        let back = try #require(tree.doubles)
        #expect(zip(values, back).allSatisfy { Self.same($0, $1) } && back.count == values.count)
        let text = try JSONReport.encode(values)
        #expect(text.contains("\"Infinity\"") && text.contains("\"-Infinity\"") && text.contains("\"NaN\""))
        // Strict parsers read the file: the spellings are strings.
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [Any])
    }

    @Test func keysAreSortedAtEveryDepth() throws {
        let value: ResultValue = [
            "zeta": ["y": 1, "b": ["d": 1, "c": 2] as ResultValue] as ResultValue, "alpha": 1,
            "mid": [["z": 1, "a": 2]],
        ]
        let text = try JSONReport.encode(value)
        func position(_ key: String) -> String.Index { text.range(of: "\"\(key)\"")!.lowerBound }
        #expect(position("alpha") < position("mid") && position("mid") < position("zeta"))
        #expect(position("b") < position("y") && position("c") < position("d") && position("a") < position("z"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func lineOutputIsOneSortedLine() throws {
        let flops: Double? = nil
        let record: ResultValue = ["workload": "gemm", "seconds": [0.5, 0.25], "median": 0.375, "flops": flops]
        let text = try JSONReport.line(record)
        #expect(text == #"{"flops":null,"median":0.375,"seconds":[0.5,0.25],"workload":"gemm"}"#)
        #expect(try JSONReport.line([Double.infinity]) == #"["Infinity"]"#)
    }

    @Test func nestedCodableValuesRoundTrip() throws {
        let inner = Inner(
            zulu: -.infinity, alpha: [1, .nan],
            tree: ["x": Double.infinity, "rows": [["a": 1, "b": "text"] as ResultValue], "none": ResultValue.null])
        let outer = Outer(name: "n", inner: [inner, inner], byName: ["k": inner], optional: nil)
        let text = try JSONReport.encode(outer)
        let back = try JSONReport.decode(Outer.self, from: text)
        #expect(back.name == "n" && back.optional == nil && back.inner.count == 2)
        #expect(back.byName["k"]!.zulu == -.infinity && back.inner[1].alpha[1].isNaN)
        #expect(back.inner[0].tree["x"]?.double == .infinity)
        #expect(back.inner[0].tree["rows"]?.array?.first?["b"]?.string == "text")
        #expect(back.inner[0].tree["none"] == .null)
        // Encoding is deterministic: the decoded value encodes to the same bytes.
        #expect(try JSONReport.encode(back) == text)
    }

    @Test func writeIsAtomicAndReadNamesTheFile() throws {
        let directory = TemporaryDirectory()
        let value: ResultValue = ["loss": Double.nan, "steps": 3]
        try JSONReport.write(value, to: directory.file("r.json"))
        #expect(directory.contents == ["r.json"])  // no temporary file left behind
        let back = try JSONReport.read(ResultValue.self, from: directory.file("r.json"))
        #expect(back["loss"]?.double?.isNaN == true && back["steps"]?.integer == 3)
        try "{\"loss\": ".write(toFile: directory.file("bad.json"), atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try JSONReport.read(ResultValue.self, from: directory.file("bad.json")) }
        do {
            _ = try JSONReport.read([String: Int].self, from: directory.file("r.json"))
            Issue.record("a type mismatch must throw")
        } catch let error as ReportError {
            #expect(error.description.contains("r.json") && error.description.contains("loss"))
        }
    }

    @Test func resultValueLiteralsAndAccessors() {
        let missing: Int? = nil
        var value: ResultValue = ["a": 1.5, "b": [1, 2], "c": missing, "d": UInt64.max, "e": "s", "f": true]
        #expect(value["a"]?.double == 1.5 && value["b"]?.doubles == [1, 2] && value["c"] == .null)
        #expect(value["d"]?.string == String(UInt64.max))  // beyond Int64: kept exactly as text
        #expect(value["e"]?.string == "s" && value["f"]?.bool == true && value["g"] == nil)
        value["g"] = 7
        #expect(value["g"]?.integer == 7 && value.allNumbers == [1.5, 1, 2, 7])
        #expect(ResultValue.number(.infinity).description == "inf" && ResultValue.integer(3).description == "3")
    }
}
