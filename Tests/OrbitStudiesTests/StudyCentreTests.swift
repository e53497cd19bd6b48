import OrbitStar
import Testing

@testable import OrbitStudies

/// Plans and refusals of the comparisons through fitted centres: the NGD fold-line of a pair and
/// the star of all models of a width (the runs themselves: ``StudyProcessTests``).
@Suite struct StudyCentreTests {
    @Test func starAndNGDComparisonsAreTheExpectedDAG() throws {
        let plan = try StudyFixtures.plan(StudyFixtures.textWithCentres())
        #expect(plan.stages.map(\.name) == ["train-0", "compare"])
        #expect(plan.stages[1].dependsOn == ["train-0"])
        let train = plan.stages[0].runs
        #expect(train.count == 6)
        let compare = plan.stages[1].runs
        let ngd = compare.filter { $0.group == "ngd" }
        #expect(
            ngd.map(\.label) == [
                "ngd width 4 seeds 0–1", "ngd width 4 seeds 0–2", "ngd width 4 seeds 1–2",
                "ngd width 8 seeds 0–1", "ngd width 8 seeds 0–2", "ngd width 8 seeds 1–2",
            ])
        #expect(ngd.allSatisfy { $0.key.kind == "compare" })
        #expect(ngd[1].inputs == [train[0].key, train[2].key])
        #expect(ngd[5].inputs == [train[4].key, train[5].key])
        // One star per width, last in the stage, reading every model of its width in seed order.
        let star = Array(compare.suffix(2))
        #expect(star.map(\.label) == ["star width 4 seeds 0–1–2", "star width 8 seeds 0–1–2"])
        #expect(star.map(\.key.kind) == ["star", "star"])
        #expect(star[0].inputs == train[0..<3].map(\.key))
        #expect(star[1].inputs == train[3..<6].map(\.key))
        #expect(star.map(\.index) == [compare.count - 2, compare.count - 1])
        guard case .star(let configuration) = star[0].work else {
            Issue.record("the star run's work is \(star[0].work)")
            return
        }
        #expect(configuration.path == .star && configuration.method == .weightMatching)
        #expect(configuration.centreTraining == CentreConfiguration(epochs: 8, batchSize: 16, seed: 0))
        #expect(compare.count == 6 + 6 + 6 + 2)
        #expect(Set(plan.runs.map(\.key)).count == plan.runs.count)
        // Adding centre comparisons leaves the other runs' keys as they were.
        let without = try StudyFixtures.plan(StudyFixtures.text(seeds: "[0, 1, 2]"))
        #expect(without.runs.map(\.key) == plan.runs.filter { !["ngd", "star"].contains($0.group) }.map(\.key))
        #expect(
            plan.text.contains("star width 4 seeds 0–1–2 ← " + train[0..<3].map(\.key.short).joined(separator: ", ")))
    }

    @Test func penaltyChangesExactlyTheNGDKeys() throws {
        let before = try StudyFixtures.plan(StudyFixtures.textWithCentres(penalty: "1e-4"))
        let after = try StudyFixtures.plan(StudyFixtures.textWithCentres(penalty: "1e-3"))
        #expect(before.runs.map(\.label) == after.runs.map(\.label))
        for (b, a) in zip(before.runs, after.runs) {
            #expect((b.key != a.key) == (b.group == "ngd"), "\(b.label)")
        }
        // The default λ is `orbit ngd`'s 1e-4.
        let implicit = try StudyFixtures.plan(
            StudyFixtures.textWithCentres().replacingOccurrences(of: ", \"penalty\": 1e-4", with: ""))
        #expect(implicit.runs.map(\.key) == before.runs.map(\.key))
    }

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

    @Test func centreTrainingOnALineIsRefused() {
        let text = StudyFixtures.text().replacingOccurrences(
            of: "{ \"name\": \"line\", \"method\": \"line\", \"models\": \"mlp\" }",
            with:
                "{ \"name\": \"line\", \"method\": \"line\", \"models\": \"mlp\",\n  \"centre_training\": { \"epochs\": 3 } }"
        )
        guard case .badValue(let file, let line, let key, let reason) = error(text) else {
            Issue.record("expected a refusal, got \(String(describing: error(text)))")
            return
        }
        #expect(file == "bad.json" && line == 17 && key == "centre_training")
        #expect(reason.contains("fold-line, star"))
        #expect(error(text)!.description.hasPrefix("bad.json:17: key 'centre_training'"))
        // Nor a curve's keys on a fold-line.
        let curve = StudyFixtures.textWithCentres().replacingOccurrences(
            of: "\"path\": \"fold-line\",", with: "\"path\": \"fold-line\", \"bends\": 2,")
        guard case .badValue(_, 18, "bends", _) = error(curve) else {
            Issue.record("expected bends refused on line 18, got \(String(describing: error(curve)))")
            return
        }
    }

    @Test func starWithPairsIsRefused() {
        let text = StudyFixtures.textWithCentres().replacingOccurrences(
            of: "\"path\": \"star\", \"models\": \"mlp\",",
            with: "\"path\": \"star\", \"models\": \"mlp\",\n\"pairs\": \"all\",")
        guard case .badValue(let file, let line, let key, let reason) = error(text) else {
            Issue.record("expected a refusal, got \(String(describing: error(text)))")
            return
        }
        #expect(file == "bad.json" && line == 21 && key == "pairs")
        #expect(reason.contains("no pairs"))
    }

    @Test func starOverOneSeedIsRefused() {
        let text = StudyFixtures.textWithCentres().replacingOccurrences(
            of: "\"seeds\": [0, 1, 2],", with: "\"seeds\": [0],"
        )
        #expect(
            error(text)
                == .badValue(
                    file: "bad.json", line: 20, key: "models",
                    reason: "a star needs at least 2 models per width and 'mlp' has 1"))
        #expect(error(text)!.description.hasPrefix("bad.json:20: key 'models'"))
    }
}
