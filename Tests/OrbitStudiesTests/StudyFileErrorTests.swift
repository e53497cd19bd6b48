import Testing

@testable import OrbitStudies

@Suite struct StudyFileErrorTests {
    private func error(_ text: String) -> StudyError? {
        do {
            _ = try StudyFile(parsing: text, file: "bad.json")
            return nil
        } catch let error as StudyError {
            return error
        } catch {
            return nil
        }
    }

    @Test func unknownKeyNamesLineAndKey() {
        let text = StudyFixtures.text().replacingOccurrences(
            of: "\"seeds\": [0, 1],", with: "\"seeds\": [0, 1],\n\"sedes\": 3,")
        let e = error(text)
        guard case .unknownKey(let file, let line, let key, let allowed) = e else {
            Issue.record("expected an unknown-key error, got \(String(describing: e))")
            return
        }
        #expect(file == "bad.json" && line == 12 && key == "sedes")
        #expect(allowed.contains("seeds"))
        #expect(e!.description.hasPrefix("bad.json:12: unknown key 'sedes'"))
    }

    @Test func typeErrorNamesLineAndKey() {
        let e = error(StudyFixtures.text().replacingOccurrences(of: "\"epochs\": 2", with: "\"epochs\": \"two\""))
        #expect(
            e == .typeMismatch(file: "bad.json", line: 12, key: "epochs", expected: "an integer", found: "a string"))
        let f = error(StudyFixtures.text().replacingOccurrences(of: "\"widths\": [4, 8]", with: "\"widths\": 4"))
        #expect(
            f
                == .typeMismatch(
                    file: "bad.json", line: 10, key: "widths", expected: "an array of integers", found: "a number"))
    }

    @Test func cycleNamesLineKeyAndGroups() {
        let text = """
            {
              "name": "loop",
              "data": { "spec": "synthetic:teacher-student:d=3,M=2,n=64,test=0,seed=0" },
              "models": [
                { "name": "a", "architecture": "mlp:3-4-1:relu", "seeds": [0],
                  "start": "b" },
                { "name": "b", "architecture": "mlp:3-4-1:relu", "seeds": [0],
                  "start": "a" }
              ]
            }
            """
        #expect(error(text) == .cycle(file: "bad.json", line: 8, key: "start", groups: ["a", "b", "a"]))
        let own = text.replacingOccurrences(of: "\"start\": \"b\"", with: "\"start\": \"a\"")
        #expect(error(own) == .cycle(file: "bad.json", line: 6, key: "start", groups: ["a", "a"]))
    }

    @Test func otherMistakesNameLineAndKey() {
        let reference = StudyFixtures.text().replacingOccurrences(
            of: "\"method\": \"line\", \"models\": \"mlp\"", with: "\"method\": \"line\", \"models\": \"mpl\"")
        #expect(error(reference) == .unknownReference(file: "bad.json", line: 16, key: "models", name: "mpl"))
        let missing = StudyFixtures.text().replacingOccurrences(of: "\"seeds\": [0, 1],", with: "")
        #expect(error(missing) == .missingKey(file: "bad.json", line: 7, key: "seeds"))
        // JSON syntax errors give the line and column.
        guard case .unreadable(_, let reason) = error("{\n  \"name\": \"x\",\n  \"data\" {}\n}") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(reason.contains("line 3, column 10"))
    }
}
