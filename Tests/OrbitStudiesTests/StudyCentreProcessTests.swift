import Foundation
import OrbitTestSupport
import Testing

@testable import OrbitStudies

extension StudyProcessTests {
    /// The NGD fold-lines and weight-matched stars of the tiny three-seed study, run by `orbit study
    /// run`: each pair's bound is ≥ 1 (the triangle inequality), each direct line is the line
    /// comparison's line, each star's fold-line numbers are finite and follow from its arms, and a
    /// rerun changes nothing.
    @Test(.enabled(if: binary != nil)) func centresGiveNGDBoundsAndStars() throws {
        let directory = try StudyFixtures.temporaryDirectory("centres")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try StudyFixtures.write(StudyFixtures.textWithCentres(), in: directory)
        let plan = try StudyFixtures.plan(StudyFixtures.textWithCentres())
        let store = RunStore(root: "\(directory)/store")
        #expect(try Self.run(["study", "run", file, "--out", store.root, "--jobs", "2"]) == 0)
        #expect(plan.runs.allSatisfy { store.status($0.key) == .done })
        let compare = plan.stages[1].runs
        for run in compare where run.group == "ngd" {
            let metrics = try store.metrics(run.key)
            let bound = try #require(metrics["ngd.bound"])
            #expect(bound >= 1 && bound.isFinite, "\(run.label): \(bound)")
            // The direct line is the line comparison's line A → B, bit for bit.
            let line = try #require(compare.first { $0.group == "line" && $0.inputs == run.inputs })
            let lineMetrics = try store.metrics(line.key)
            for split in ["train", "test"] {
                #expect(metrics["direct.\(split).loss.path_max"] == lineMetrics["\(split).loss.path_max"])
                let fold = try #require(metrics["fold.\(split).loss.path_max"])
                #expect(fold == metrics["\(split).loss.path_max"] && fold.isFinite)
            }
            #expect(metrics["train.loss.convex_combination"] != nil)
            for name in ["centre.safetensors", "profile.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(store.folder(run.key))/\(name)"), "\(name)")
            }
        }
        let stars = compare.filter { $0.group == "star" }
        #expect(stars.count == 2)
        for run in stars {
            let metrics = try store.metrics(run.key)
            let bound = try #require(metrics["ngd.bound"])
            #expect(bound >= 1 && bound.isFinite)
            #expect(try #require(metrics["alignment.deviation"]) < 1e-3)
            for split in ["train", "test"] {
                let direct = try #require(metrics["direct.\(split).loss.path_max"])
                let fold = try #require(metrics["fold.\(split).loss.path_max"])
                #expect(direct.isFinite && fold.isFinite, "\(run.label) \(split)")
                // Each fold-line's maximum is the larger of its two arms' maxima.
                let arms = try [0, 1, 2].map { try #require(metrics["arm.\($0).\(split).loss.path_max"]) }
                let pairs = [(0, 1), (0, 2), (1, 2)].map { max(arms[$0.0], arms[$0.1]) }
                #expect(abs(fold - pairs.reduce(0, +) / 3) <= 1e-12 * max(1, fold))
                #expect(metrics["arms.\(split).loss.path_max"] == arms.max())
            }
            for name in ["centre.safetensors", "arms.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(store.folder(run.key))/\(name)"), "\(name)")
            }
        }
        // The report has the NGD and star figures and rows.
        let report = StudyCollection.directory(store: store, study: "tiny")
        for name in ["ngd-vs-width.svg", "path-max-vs-width.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(report)/\(name)"), "\(name)")
        }
        let html = try String(contentsOfFile: "\(report)/report.html", encoding: .utf8)
        #expect(html.contains("Star centres and NGD"))
        let results = try JSONDecoder().decode(
            StudyCollection.Results.self,
            from: try #require(FileManager.default.contents(atPath: "\(report)/results.json")))
        #expect(results.comparisons.filter { $0.group == "star" }.map(\.seeds) == [[0, 1, 2], [0, 1, 2]])
        #expect(results.trainings.count == 6 && results.missing.isEmpty)

        // A rerun runs nothing: every file of the store and the results keep their bytes and dates.
        let before = Self.snapshot(store.root)
        #expect(try Self.run(["study", "run", file, "--out", store.root, "--jobs", "2"]) == 0)
        let after = Self.snapshot(store.root)
        #expect(Set(before.keys) == Set(after.keys))
        for (relative, (bytes, date)) in before where relative.hasPrefix("runs/") {
            #expect(after[relative]?.0 == bytes && after[relative]?.1 == date, "\(relative)")
        }
        for name in ["results.json", "results.csv"] {
            let relative = "studies/tiny/report/\(name)"
            #expect(after[relative]?.0 == before[relative]?.0, "\(name)")
        }
    }
}
