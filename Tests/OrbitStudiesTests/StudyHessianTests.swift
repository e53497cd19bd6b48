import Foundation
import OrbitTestSupport
import Testing

@testable import OrbitStudies

@Suite struct StudyHessianTests {
    /// Keys of the plan by label.
    private func keys(_ plan: StudyPlan) -> [String: RunKey] {
        Dictionary(uniqueKeysWithValues: plan.runs.map { ($0.label, $0.key) })
    }

    @Test func hessianStageFollowsTheComparisonsAndReadsEachTrainedModel() throws {
        let plan = try StudyFixtures.plan(StudyFixtures.textWithHessian())
        #expect(plan.stages.map(\.name) == ["train-0", "compare", "hessian"])
        #expect(plan.stages[1].dependsOn == ["train-0"])
        // The curvature reads only trained models, so it waits for the trainings alone.
        #expect(plan.stages[2].dependsOn == ["train-0"])
        let train = plan.stages[0].runs, hessian = plan.stages[2].runs
        #expect(
            hessian.map(\.label) == [
                "hessian mlp width 4 seed 0", "hessian mlp width 4 seed 1", "hessian mlp width 8 seed 0",
                "hessian mlp width 8 seed 1",
            ])
        #expect(hessian.map(\.index) == [0, 1, 2, 3])
        #expect(hessian.map(\.inputs) == train.map { [$0.key] })
        #expect(hessian.allSatisfy { $0.key.kind == "hessian" && $0.group == "mlp" })
        guard case .hessian(let configuration) = hessian[0].work else {
            Issue.record("expected a hessian run, got \(hessian[0].work)")
            return
        }
        #expect(configuration.hessian.measures == [.top, .trace])
        #expect(configuration.hessian.samples == 64 && configuration.hessian.steps == 10)
        #expect(configuration.hessian.probes == 8 && configuration.hessian.seed == 0)
        #expect(plan.text.contains("stage hessian (after train-0): 4 run(s)"))
    }

    @Test func defaultsMirrorOrbitPathHessian() throws {
        let plan = try StudyFixtures.plan(StudyFixtures.textWithHessian("{}"))
        guard case .hessian(let configuration) = plan.stages[2].runs[0].work else {
            Issue.record("expected a hessian run")
            return
        }
        // `orbit path --hessian top,trace` with its default samples, steps and probes.
        #expect(configuration.hessian == StudyHessian(measures: [.top, .trace], samples: 1024, steps: 20, probes: 16))
        // The order in the file does not change the key.
        let reversed = try StudyFixtures.plan(StudyFixtures.textWithHessian(#"{ "measures": ["trace", "top"] }"#))
        #expect(reversed.stages[2].runs.map(\.key) == plan.stages[2].runs.map(\.key))
    }

    @Test func addingHessianChangesNoExistingKey() throws {
        let base = try StudyFixtures.plan()
        #expect(base.stage("hessian") == nil)
        let added = try StudyFixtures.plan(StudyFixtures.textWithHessian())
        #expect(added.runs.count == base.runs.count + 4)
        for (label, key) in keys(base) { #expect(keys(added)[label] == key, "\(label)") }
        // Every earlier stage keeps its runs at their indices (Slurm array task ids).
        for stage in base.stages {
            #expect(added.stage(stage.name)?.runs.map(\.key) == stage.runs.map(\.key), "\(stage.name)")
        }
    }

    @Test func changedHessianSettingChangesExactlyTheHessianKeys() throws {
        let base = keys(try StudyFixtures.plan(StudyFixtures.textWithHessian()))
        let probes = keys(
            try StudyFixtures.plan(
                StudyFixtures.textWithHessian(
                    #"{ "measures": ["top", "trace"], "samples": 64, "steps": 10, "probes": 9 }"#)))
        for (label, key) in base { #expect((probes[label] != key) == (key.kind == "hessian"), "\(label)") }
        let topOnly = keys(
            try StudyFixtures.plan(
                StudyFixtures.textWithHessian(#"{ "measures": ["top"], "samples": 64, "steps": 10, "probes": 8 }"#)))
        for (label, key) in base { #expect((topOnly[label] != key) == (key.kind == "hessian"), "\(label)") }
        // A changed training reruns its curvature through the input key.
        let epochs = keys(try StudyFixtures.plan(StudyFixtures.textWithHessian(epochs: 3)))
        for (label, key) in base { #expect(epochs[label] != key, "\(label)") }
    }

    @Test func hessianOnALineChangesExactlyItsKeys() throws {
        let base = try StudyFixtures.plan()
        let added = try StudyFixtures.plan(StudyFixtures.withPathHessian(StudyFixtures.text()))
        #expect(added.stages.map(\.name) == ["train-0", "compare"])
        #expect(added.runs.map(\.label) == base.runs.map(\.label))
        for (run, before) in zip(added.runs, base.runs) {
            #expect((run.key != before.key) == (run.group == "line"), "\(run.label)")
        }
        guard case .compare(let configuration) = added.stages[1].runs[0].work else {
            Issue.record("expected a comparison")
            return
        }
        #expect(configuration.hessian == StudyHessian(samples: 64, steps: 10, probes: 8))
        // Paths through a centre take none.
        let centred = StudyFixtures.textWithCentres().replacingOccurrences(
            of: #""path": "fold-line", "models": "mlp","#,
            with: #""path": "fold-line", "models": "mlp", "hessian": {},"#)
        #expect(throws: StudyError.self) { try StudyFixtures.plan(centred) }
        do {
            _ = try StudyFixtures.plan(centred)
        } catch let error as StudyError {
            #expect(error.description.contains("key 'hessian'"), "\(error)")
        }
    }

    private func error(_ hessian: String) -> StudyError? {
        do {
            _ = try StudyFile(parsing: StudyFixtures.textWithHessian(hessian), file: "bad.json")
            return nil
        } catch let error as StudyError {
            return error
        } catch {
            return nil
        }
    }

    @Test func badHessianIsRefusedNamingLineAndKey() {
        let measure = error(#"{ "measures": ["top", "sharpness"] }"#)
        #expect(
            measure
                == .badValue(file: "bad.json", line: 13, key: "measures", reason: "'sharpness' is not top or trace"))
        #expect(measure?.description.hasPrefix("bad.json:13: key 'measures'") == true)
        #expect(
            error(#"{ "samples": 0 }"#)
                == .badValue(file: "bad.json", line: 13, key: "samples", reason: "must be at least 1 (got 0)"))
        #expect(
            error(#"{ "probes": 1 }"#)
                == .badValue(file: "bad.json", line: 13, key: "probes", reason: "must be at least 2 (got 1)"))
        #expect(
            error(#"{ "steps": 2.5 }"#)
                == .typeMismatch(
                    file: "bad.json", line: 13, key: "steps", expected: "an integer",
                    found: "a fraction or out-of-range number"))
        guard case .unknownKey(_, 13, "lanczos", _)? = error(#"{ "lanczos": 10 }"#) else {
            Issue.record("expected the unknown key 'lanczos' on line 13")
            return
        }
    }
}

extension StudyProcessTests {
    /// The tiny study with the curvature at every trained model and along the plain lines, run by
    /// `orbit study run`: each top eigenvalue is positive and finite with a Lanczos residual, each
    /// trace carries a standard error, the report has the sharpness-vs-width figure, and a rerun
    /// runs nothing.
    @Test(.enabled(if: binary != nil)) func hessianAtTrainedMinima() throws {
        let directory = try StudyFixtures.temporaryDirectory("hessian")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = StudyFixtures.withPathHessian(StudyFixtures.textWithHessian(epochs: 20))
        let file = try StudyFixtures.write(text, in: directory)
        let plan = try StudyFixtures.plan(text)
        let store = RunStore(root: "\(directory)/store")
        #expect(try Self.run(["study", "run", file, "--out", store.root, "--jobs", "2"]) == 0)
        #expect(plan.runs.allSatisfy { store.status($0.key) == .done })
        let hessian = try #require(plan.stage("hessian")).runs
        #expect(hessian.count == 4)
        for run in hessian {
            let metrics = try store.metrics(run.key)
            let top = try #require(metrics["hessian.top"])
            #expect(top > 0 && top.isFinite, "\(run.label): λ_max \(top)")
            let residual = try #require(metrics["hessian.top.residual"])
            #expect(residual >= 0 && residual.isFinite, "\(run.label): residual \(residual)")
            #expect(try #require(metrics["hessian.top.lanczos_steps"]) <= 10)
            let trace = try #require(metrics["hessian.trace"])
            let se = try #require(metrics["hessian.trace.se"])
            #expect(trace.isFinite && se.isFinite && se > 0, "\(run.label): trace \(trace) ± \(se)")
            #expect(metrics["hessian.samples"] == 64)
            let record = try #require(FileManager.default.contents(atPath: "\(store.folder(run.key))/curvature.json"))
            let written = try JSONDecoder().decode(MinimumCurvatureRecord.self, from: record)
            #expect(written.curvature.topEigenvalue == top && written.curvature.residual == residual)
            #expect(written.curvature.trace?.value == trace && written.curvature.trace?.standardError == se)
            #expect(written.curvature.trace?.draws == 8 && written.samples == 64 && written.lanczosStepLimit == 10)
        }
        // Along the lines: the curvature at every evaluated t (5 points), summarised.
        let lines = plan.stages[1].runs.filter { $0.group == "line" }
        #expect(lines.count == 2)
        for run in lines {
            let metrics = try store.metrics(run.key)
            let top = try #require(metrics["hessian.top.max"])
            #expect(top > 0 && top.isFinite, "\(run.label): λ_max \(top)")
            #expect(try #require(metrics["hessian.top.max.residual"]).isFinite)
            let midpoint = try #require(metrics["hessian.top.at_midpoint"])
            #expect(midpoint <= top && metrics["hessian.top.at_midpoint.residual"] != nil)
            #expect(try #require(metrics["hessian.trace.at_midpoint"]).isFinite)
            #expect(try #require(metrics["hessian.trace.at_midpoint.se"]) > 0)
            let record = try JSONDecoder().decode(
                ComparisonCurvatureRecord.self,
                from: try #require(FileManager.default.contents(atPath: "\(store.folder(run.key))/curvature.json")))
            #expect(record.points.map(\.t) == [0, 0.25, 0.5, 0.75, 1])
            #expect(record.points.compactMap(\.curvature.topEigenvalue).max() == top)
            #expect(record.points[2].curvature.trace?.standardError == metrics["hessian.trace.at_midpoint.se"])
        }
        #expect(try store.metrics(plan.stages[1].runs[2].key)["hessian.top.max"] == nil)
        // The report has the figure and a table of the curvature, and results.json the entries.
        let report = StudyCollection.directory(store: store, study: "tiny")
        for name in ["hessian-vs-width.svg", "hessian.csv"] {
            #expect(FileManager.default.fileExists(atPath: "\(report)/\(name)"), "\(name)")
        }
        let html = try String(contentsOfFile: "\(report)/report.html", encoding: .utf8)
        #expect(html.contains("Curvature at the trained models") && html.contains("λ_max at ½"))
        let results = try JSONDecoder().decode(
            StudyCollection.Results.self,
            from: try #require(FileManager.default.contents(atPath: "\(report)/results.json")))
        #expect(results.hessians?.map(\.key) == hessian.map(\.key.folderName))
        #expect(results.trainings.count == 4 && results.comparisons.count == 4 && results.missing.isEmpty)

        // A rerun runs nothing: every run file keeps its bytes and date.
        let before = Self.snapshot(store.root)
        #expect(try Self.run(["study", "run", file, "--out", store.root, "--jobs", "2"]) == 0)
        let after = Self.snapshot(store.root)
        #expect(Set(before.keys) == Set(after.keys))
        for (relative, (bytes, date)) in before where relative.hasPrefix("runs/") {
            #expect(after[relative]?.0 == bytes && after[relative]?.1 == date, "\(relative)")
        }
    }
}
