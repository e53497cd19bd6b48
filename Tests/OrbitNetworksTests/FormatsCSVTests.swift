import Testing

@testable import OrbitFormats

@Suite("Formats: CSV")
struct FormatsCSVTests {
    static func parse(_ text: String, header: CSVTable.Header = .automatic) throws -> CSVTable {
        try CSVTable.parse(ByteSlice(Array(text.utf8)), file: "t.csv", header: header)
    }

    @Test func readsHeadersQuotesAndLineEndings() throws {
        let t = try Self.parse("a, \"b, c\",label\r\n1, 2.5 ,0\r\n\r\n-3,1e-3,\"1\"\n nan ,inf,2\n\n")
        #expect(t.columnNames == ["a", "b, c", "label"])
        #expect(t.values.rows == 3 && t.values.columns == 3)
        #expect(t.values[0, 1] == 2.5 && t.values[1, 1] == 1e-3 && t.values[1, 2] == 1)
        #expect(t.values[2, 0].isNaN && t.values[2, 1] == .infinity)
        let (rest, label) = try t.separating(.name("label"))
        #expect(label == [0, 1, 2])
        #expect(rest.columns == 2 && rest[1, 0] == -3)
        #expect(try t.index(of: .last) == 2)
        #expect(try t.index(of: .index(1)) == 1)
        #expect(
            formatError { _ = try t.index(of: .name("nope"), file: "t.csv") }?.reason
                == .missing(available: ["a", "b, c", "label"]))

        let plain = try Self.parse("1,2\n3,4")
        #expect(plain.columnNames == nil && plain.values == .init([[1, 2], [3, 4]]))
        let forced = try Self.parse("1,2\n3,4", header: .present)
        #expect(forced.columnNames == ["1", "2"] && forced.values.rows == 1)
    }

    @Test func errorsNameLineAndColumn() {
        #expect(
            formatError { _ = try Self.parse("x,y\n1,2\n3,oops\n") }?.reason
                == .notANumber(line: 3, column: 2, cell: "oops"))
        #expect(
            formatError { _ = try Self.parse("1,2\n\n3,,4\n") }?.reason == .raggedRow(line: 3, expected: 2, found: 3))
        #expect(formatError { _ = try Self.parse("1,2\n3,\n") }?.reason == .notANumber(line: 2, column: 2, cell: ""))
        #expect(
            formatError { _ = try Self.parse("a,b\n\"1\n2\",3\n4,x\n") }?.reason
                == .notANumber(line: 2, column: 1, cell: "1\n2"))
        #expect(
            formatError { _ = try Self.parse("a,b\n\"1\n2\",3\n4,x\n") }?.description
                == "t.csv: line 2, column 1: '1\\n2' is not a number")
        let e = formatError { _ = try Self.parse("a,b\n1,2\n3,4,5\n") }
        #expect(e?.description == "t.csv: line 3 has 3 cells, expected 2")
    }
}
