import OrbitFormats
import Testing

@Suite struct LocatedJSONTests {
    @Test func valuesAndKeysKnowTheirLineAndColumn() throws {
        let document = try LocatedJSON.parse(
            "{\n  \"a\": [1,\n        \"é\", true],\n  \"b\": {\"c\": null}\n}", file: "t.json")
        guard case .object(let members) = document.value else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["a", "b"])
        #expect((members[0].line, members[0].column) == (2, 3))
        #expect((members[0].value.line, members[0].value.column) == (2, 8))
        guard case .array(let items) = members[0].value.value else {
            Issue.record("expected an array")
            return
        }
        #expect(items.map(\.value) == [.number("1"), .string("é"), .bool(true)])
        #expect(items.map(\.line) == [2, 3, 3])
        // Columns count characters, not bytes: "é" is two bytes.
        #expect(items.map(\.column) == [9, 9, 14])
        #expect((members[1].line, members[1].value.column) == (4, 8))
    }

    @Test func malformedDocumentsAreRefusedWithTheirPosition() {
        func detail(_ text: String) -> String? {
            do {
                _ = try LocatedJSON.parse(text, file: "t.json")
                return nil
            } catch let error as FormatError {
                if case .invalidJSON(_, let detail) = error.reason { return detail }
                return nil
            } catch {
                return nil
            }
        }
        #expect(detail("{\"a\": 1,\n \"a\": 2}")?.hasPrefix("line 2, column 5: key 'a' appears twice") == true)
        #expect(detail("[1,\n 2,,]")?.hasPrefix("line 2, column 4: unexpected character ','") == true)
        #expect(detail("{\"a\": \"line\nbreak\"}")?.contains("control character") == true)
        #expect(
            detail(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))?.contains("nesting") == true)
        #expect(detail("{} x")?.contains("unexpected text after the document") == true)
        #expect(detail("") != nil)
    }
}
