import Testing

@testable import OrbitStudies

@Suite struct StudyPlanTests {
    @Test func planIsTheExpectedDAG() throws {
        let plan = try StudyFixtures.plan()
        #expect(plan.stages.map(\.name) == ["train-0", "compare"])
        #expect(plan.stages[0].dependsOn == [])
        #expect(plan.stages[1].dependsOn == ["train-0"])
        let train = plan.stages[0].runs
        #expect(
            train.map(\.label) == [
                "mlp width 4 seed 0", "mlp width 4 seed 1", "mlp width 8 seed 0", "mlp width 8 seed 1",
            ])
        #expect(train.allSatisfy { $0.inputs.isEmpty && $0.key.kind == "train" })
        #expect(train.map(\.index) == [0, 1, 2, 3])
        let compare = plan.stages[1].runs
        #expect(
            compare.map(\.label) == [
                "line width 4 seeds 0–1", "line width 8 seeds 0–1", "wm width 4 seeds 0–1", "wm width 8 seeds 0–1",
            ])
        // Each comparison reads the two trainings of its width, A (seed 0) first.
        #expect(compare[0].inputs == [train[0].key, train[1].key])
        #expect(compare[1].inputs == [train[2].key, train[3].key])
        #expect(compare[2].inputs == [train[0].key, train[1].key])
        #expect(compare[3].inputs == [train[2].key, train[3].key])
        #expect(Set(plan.runs.map(\.key)).count == 8)
    }

    @Test func startedGroupTrainsOneStageLater() throws {
        let text = """
            {
              "name": "spawn",
              "data": { "spec": "synthetic:teacher-student:d=3,M=2,n=64,test=0,seed=0" },
              "models": [
                { "name": "child", "architecture": "mlp:3-4-1:relu", "seeds": [5, 6], "start": "parent", "start_seed": 0 },
                { "name": "parent", "architecture": "mlp:3-4-1:relu", "seeds": [0] }
              ],
              "comparisons": [ { "name": "children", "method": "line", "models": "child", "pairs": [[5, 6]] } ]
            }
            """
        let plan = try StudyPlan(StudyFile(parsing: text, file: "spawn.json"))
        #expect(plan.stages.map(\.name) == ["train-0", "train-1", "compare"])
        #expect(plan.stages[1].dependsOn == ["train-0"])
        #expect(plan.stages[2].dependsOn == ["train-0", "train-1"])
        let parent = plan.stages[0].runs
        #expect(parent.map(\.label) == ["parent seed 0"])
        let children = plan.stages[1].runs
        #expect(children.map(\.label) == ["child seed 5", "child seed 6"])
        #expect(children.allSatisfy { $0.inputs == [parent[0].key] })
        #expect(plan.stages[2].runs.map(\.inputs) == [children.map(\.key)])
    }

    @Test func arraySpecGroupsConsecutiveIndices() {
        #expect(SlurmExecutor.arraySpec([0, 1, 2, 3]) == "0-3")
        #expect(SlurmExecutor.arraySpec([7, 0, 1, 3, 9, 10]) == "0-1,3,7,9-10")
        #expect(SlurmExecutor.arraySpec([4]) == "4")
    }

    @Test func slurmScriptsChainStagesWithAfterok() throws {
        let directory = try StudyFixtures.temporaryDirectory("scripts")
        let plan = try StudyFixtures.plan()
        let store = RunStore(root: directory)
        let executor = SlurmExecutor(
            plan: plan, store: store, studyPath: "/shared/tiny.study.json", executable: "/opt/orbit/bin/orbit",
            options: SlurmOptions(partition: "cpu", time: "00:30:00", cpus: 2, memory: "4G"))
        var submitted: [String] = []
        let jobs = try executor.submit(
            log: { _ in },
            submit: { script in
                submitted.append(script)
                return "\(100 + submitted.count)"
            })
        #expect(jobs.map(\.stage) == ["train-0", "compare", "summary"])
        #expect(jobs.map(\.job) == ["101", "102", "103"])
        let train = try String(contentsOfFile: jobs[0].script, encoding: .utf8)
        #expect(train.contains("#SBATCH --array=0-3\n"))
        #expect(train.contains("#SBATCH --partition=cpu\n"))
        #expect(train.contains("#SBATCH --cpus-per-task=2\n"))
        #expect(!train.contains("--dependency"))
        #expect(
            train.contains(
                "exec /opt/orbit/bin/orbit study task /shared/tiny.study.json --stage train-0 --index \"$SLURM_ARRAY_TASK_ID\" --out \(directory)"
            ))
        let compare = try String(contentsOfFile: jobs[1].script, encoding: .utf8)
        #expect(compare.contains("#SBATCH --dependency=afterok:101\n"))
        let summary = try String(contentsOfFile: jobs[2].script, encoding: .utf8)
        #expect(summary.contains("#SBATCH --dependency=afterok:101:102\n"))
        #expect(summary.contains("study collect"))
        #expect(SlurmExecutor.submittedJobs(directory: executor.directory) == jobs)
    }
}
