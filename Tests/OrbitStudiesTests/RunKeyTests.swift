import OrbitFormats
import Testing

@testable import OrbitStudies

@Suite struct RunKeyTests {
    @Test func sha256KnownAnswers() {
        // FIPS 180-4 examples.
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // 1000 × 'a' crosses many blocks (checked against coreutils sha256sum).
        #expect(
            SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // The same message fed in uneven pieces, and as a non-contiguous sequence.
        var pieces = SHA256()
        for size in [1, 62, 3, 64, 130, 740] { pieces.update(Array(repeating: UInt8(ascii: "a"), count: size)) }
        #expect(
            pieces.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(
            SHA256.hex((0..<1000).lazy.map { _ in UInt8(ascii: "a") })
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// Keys of the plan by label.
    private func keys(_ plan: StudyPlan) -> [String: RunKey] {
        Dictionary(uniqueKeysWithValues: plan.runs.map { ($0.label, $0.key) })
    }

    @Test func changedFieldChangesExactlyTheAffectedKeys() throws {
        let base = keys(try StudyFixtures.plan())
        #expect(keys(try StudyFixtures.plan()) == base)  // deterministic

        // Evaluation points: every comparison, no training.
        let points = keys(try StudyFixtures.plan(StudyFixtures.text(points: 7)))
        for (label, key) in base {
            #expect((points[label] != key) == (key.kind == "compare"), "\(label)")
        }
        // Matching sweeps: the weight-matched lines only.
        let sweeps = keys(try StudyFixtures.plan(StudyFixtures.text(maxSweeps: 20)))
        for (label, key) in base {
            #expect((sweeps[label] != key) == label.hasPrefix("wm "), "\(label)")
        }
        // Epochs: every training, and through the inputs every comparison.
        let epochs = keys(try StudyFixtures.plan(StudyFixtures.text(epochs: 3)))
        for (label, key) in base { #expect(epochs[label] != key, "\(label)") }
        // A new width adds runs and leaves the others alone.
        let wider = keys(try StudyFixtures.plan(StudyFixtures.text(widths: "[4, 8, 16]")))
        #expect(wider.count == 12)
        for (label, key) in base { #expect(wider[label] == key, "\(label)") }
    }

    @Test func addedCurveComparisonLeavesOtherKeysAlone() throws {
        let base = keys(try StudyFixtures.plan())
        let curved = try StudyFixtures.plan(StudyFixtures.textWithCurves())
        #expect(curved.runs.count == 10)
        for (label, key) in base { #expect(keys(curved)[label] == key, "\(label)") }
        #expect(
            curved.stages[1].runs.suffix(2).map(\.label) == ["bezier width 4 seeds 0–1", "bezier width 8 seeds 0–1"])
        // Curve settings are refused on a straight line, naming the key.
        let bad = StudyFixtures.text().replacingOccurrences(
            of: "{ \"name\": \"line\", \"method\": \"line\",",
            with: "{ \"name\": \"line\", \"method\": \"line\", \"bends\": 2,")
        #expect(throws: StudyError.self) { try StudyFixtures.plan(bad) }
    }

    @Test func numberSpellingDoesNotChangeTheKey() throws {
        let a = try StudyFixtures.plan(StudyFixtures.text().replacingOccurrences(of: "0.05", with: "5e-2"))
        let b = try StudyFixtures.plan()
        #expect(a.runs.map(\.key) == b.runs.map(\.key))
    }

    @Test func folderNameRoundTrips() throws {
        let key = try RunKey(kind: "train", configuration: ["a": 1], inputs: [])
        #expect(key.digest.count == 32)
        #expect(RunKey(folderName: key.folderName) == key)
        #expect(RunKey(folderName: "train-xyz") == nil)
    }
}
