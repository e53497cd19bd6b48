import Foundation
import OrbitTestSupport
import Testing

@testable import OrbitStudies

/// Tests that run `orbit study …` as the user does, in processes of the `orbit` binary built next
/// to the test bundle (`swift build --build-tests` builds both).
@Suite(.serialized) struct StudyProcessTests: OrbitCommandLineSuite {
    /// Runs `orbit arguments…` to the end and returns its exit status.
    @discardableResult
    static func run(_ arguments: [String]) throws -> Int32 { try orbit(arguments).status }

    /// Every file under `directory` with its bytes and modification date: a rerun that runs nothing
    /// leaves this unchanged.
    static func snapshot(_ directory: String) -> [String: (Data?, Date?)] {
        files(directory).keys.reduce(into: [:]) { result, relative in
            let path = "\(directory)/\(relative)"
            let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            result[relative] = (FileManager.default.contents(atPath: path), date)
        }
    }

    /// Every file under `directory` (relative path → bytes).
    static func files(_ directory: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: "\(directory)/\(relative)", isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: "\(directory)/\(relative)")
            }
        }
        return result
    }

    @Test(.enabled(if: binary != nil)) func killedLocalRunResumesToTheSameBytes() throws {
        let directory = try StudyFixtures.temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try StudyFixtures.write(StudyFixtures.text(epochs: 40), in: directory)
        let plan = try StudyFixtures.plan(StudyFixtures.text(epochs: 40))

        // The uninterrupted reference.
        #expect(try Self.run(["study", "run", file, "--out", "\(directory)/whole", "--jobs", "1"]) == 0)

        // The same study killed (SIGKILL, with its task processes) once the first run has finished.
        let killed = "\(directory)/killed"
        let process = try Self.start(["study", "run", file, "--out", killed, "--jobs", "1"])
        let store = RunStore(root: killed)
        var finished = 0
        for _ in 0..<3000 where finished == 0 {
            finished = plan.runs.filter { store.status($0.key) == .done }.count
            if finished == 0 { usleep(10_000) }
        }
        for child in Self.children(of: process.processIdentifier) { kill(child, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = plan.runs.filter { store.status($0.key) == .done }.count
        #expect(done >= 1 && done < plan.runs.count, "killed after \(done) of \(plan.runs.count) runs")
        #expect(!FileManager.default.fileExists(atPath: "\(killed)/studies/tiny/report/results.json"))

        // Resumed: the same bytes in every run folder and in the results.
        #expect(try Self.run(["study", "run", file, "--out", killed, "--jobs", "2"]) == 0)
        let whole = Self.files("\(directory)/whole/runs"), resumed = Self.files("\(killed)/runs")
        // 4 trainings (run.json, model.safetensors) and 4 comparisons (run.json, profile.json).
        #expect(whole.count == 16)
        #expect(whole == resumed)
        let report = "studies/tiny/report"
        for name in ["results.json", "results.csv"] {
            #expect(
                FileManager.default.contents(atPath: "\(directory)/whole/\(report)/\(name)")
                    == FileManager.default.contents(atPath: "\(killed)/\(report)/\(name)"))
        }
    }

    @Test(.enabled(if: binary != nil)) func foreignVersionIsReportedAndNotReused() throws {
        let directory = try StudyFixtures.temporaryDirectory("foreign")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try StudyFixtures.write(StudyFixtures.text(), in: directory)
        let plan = try StudyFixtures.plan()
        let store = RunStore(root: "\(directory)/store")
        let run = plan.stages[0].runs[0]
        let task = ["study", "task", file, "--stage", "train-0", "--index", "0", "--out", store.root]
        #expect(try Self.run(task) == 0)
        #expect(store.status(run.key) == .done)
        let model = FileManager.default.contents(atPath: "\(store.folder(run.key))/model.safetensors")

        // Pretend another Orbit version wrote the folder.
        let record = try String(contentsOfFile: store.recordPath(run.key), encoding: .utf8)
        #expect(record.contains("\"orbit_version\" : \"0.1.0\""))
        try record.replacingOccurrences(of: "\"orbit_version\" : \"0.1.0\"", with: "\"orbit_version\" : \"0.0.9\"")
            .write(toFile: store.recordPath(run.key), atomically: true, encoding: .utf8)
        #expect(store.status(run.key) == .foreignVersion("0.0.9"))
        #expect(store.status(run.key).needsRun)
        let report = StudyStatusReport(plan: plan, store: store, queue: SlurmQueue(queued: [:], accounted: [:]))
        #expect(report.rows[0].state == "foreign-version")
        #expect(report.counts == ["foreign-version": 1, "missing": 7])
        #expect(report.text.contains("written by Orbit 0.0.9"))
        #expect(throws: StudyError.self) { try store.metrics(run.key) }

        // Running it again replaces the folder with this version's, with the same model bytes.
        #expect(try Self.run(task) == 0)
        #expect(store.status(run.key) == .done)
        #expect(try store.readHeader(run.key).orbitVersion == "0.1.0")
        #expect(FileManager.default.contents(atPath: "\(store.folder(run.key))/model.safetensors") == model)
    }
}

extension StudyProcessTests {
    @Test(.enabled(if: binary != nil)) func existingFilesAreComparedByTheirContent() throws {
        let directory = try StudyFixtures.temporaryDirectory("files")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tiny = try StudyFixtures.write(StudyFixtures.text(), in: directory)
        let trained = "\(directory)/trained"
        #expect(try Self.run(["study", "run", tiny, "--out", trained, "--jobs", "2"]) == 0)
        let plan = try StudyFixtures.plan()
        let store = RunStore(root: trained)
        // The models of width 4, seeds 0 and 1, as files outside the store.
        for (k, name) in ["a", "b"].enumerated() {
            try FileManager.default.copyItem(
                atPath: "\(store.folder(plan.stages[0].runs[k].key))/model.safetensors",
                toPath: "\(directory)/\(name).safetensors")
        }
        let text = """
            {
              "name": "given",
              "data": { "spec": "synthetic:teacher-student:d=3,M=2,n=64,test=32,seed=0", "standardize": "none" },
              "evaluation": { "points": 5, "batch_size": 64 },
              "models": [ { "name": "given", "files": ["a.safetensors", "b.safetensors"] } ],
              "comparisons": [ { "name": "line", "method": "line", "models": "given", "pairs": [[0, 1]] } ]
            }
            """
        let file = "\(directory)/given.study.json"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let given = try StudyPlan(StudyFile(contentsOf: file))
        #expect(given.stages.map(\.name) == ["train-0", "compare"])
        #expect(given.stages[0].runs.map(\.key.kind) == ["file", "file"])
        #expect(given.stages[0].runs.map(\.label) == ["given a.safetensors", "given b.safetensors"])
        #expect(given.stages[1].runs[0].inputs == given.stages[0].runs.map(\.key))

        // Measured from the files, the line has the numbers of the line between the trained runs.
        #expect(try Self.run(["study", "run", file, "--out", "\(directory)/given", "--jobs", "1"]) == 0)
        let fromFiles = try RunStore(root: "\(directory)/given").metrics(given.stages[1].runs[0].key)
        let fromTraining = try store.metrics(plan.stages[1].runs[0].key)
        #expect(fromFiles == fromTraining)
        #expect(fromFiles["test.loss.convex_combination"] != nil)

        // A changed file changes its own key and the comparison's, not the other file's.
        try FileManager.default.removeItem(atPath: "\(directory)/b.safetensors")
        try FileManager.default.copyItem(
            atPath: "\(store.folder(plan.stages[0].runs[3].key))/model.safetensors",
            toPath: "\(directory)/b.safetensors")
        let changed = try StudyPlan(StudyFile(contentsOf: file))
        #expect(changed.stages[0].runs[0].key == given.stages[0].runs[0].key)
        #expect(changed.stages[0].runs[1].key != given.stages[0].runs[1].key)
        #expect(changed.stages[1].runs[0].key != given.stages[1].runs[0].key)

        // A missing file is refused naming the line and key.
        try FileManager.default.removeItem(atPath: "\(directory)/b.safetensors")
        #expect(throws: StudyError.self) { try StudyPlan(StudyFile(contentsOf: file)) }
        do {
            _ = try StudyPlan(StudyFile(contentsOf: file))
        } catch let error as StudyError {
            #expect(error.description.contains("given.study.json:5: key 'files'"))
        }
    }
}

extension StudyProcessTests {
    @Test(.enabled(if: binary != nil)) func fittedBezierCurveLowersTheMidpointLoss() throws {
        let directory = try StudyFixtures.temporaryDirectory("curves")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try StudyFixtures.write(StudyFixtures.textWithCurves(), in: directory)
        let plan = try StudyFixtures.plan(StudyFixtures.textWithCurves())
        let store = RunStore(root: "\(directory)/store")
        #expect(try Self.run(["study", "run", file, "--out", store.root, "--jobs", "2"]) == 0)
        let compare = plan.stages[1].runs
        for width in [4, 8] {
            let line = try #require(compare.first { $0.group == "line" && $0.width == width })
            let curve = try #require(compare.first { $0.group == "bezier" && $0.width == width })
            // Garipov et al.: the fitted curve's midpoint loss lies below the line's (these seeds).
            let lineMidpoint = try #require(try store.metrics(line.key)["train.loss.midpoint"])
            let curveMidpoint = try #require(try store.metrics(curve.key)["train.loss.midpoint"])
            #expect(curveMidpoint < lineMidpoint, "width \(width)")
            #expect(FileManager.default.fileExists(atPath: "\(store.folder(curve.key))/bend-1.safetensors"))
        }
    }
}
