import Foundation
import OrbitCheckpoints
import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitTraining
import Testing

@testable import OrbitStudies

/// Studies of graph networks: permutation matching and the Hessian run on them as on dense chains,
/// and `evaluation.batch_norm` picks the BatchNorm handling without changing the runs of files that
/// do not give it.
@Suite struct StudyGraphNetworkTests {
    static func study(model extra: String = "", comparison: String, evaluation: String = "") -> String {
        """
        {
          "name": "graphs",
          "data": { "spec": "synthetic:random-labels:d=16,k=3,n=64,test=0,seed=0" },
          "evaluation": { "points": 3\(evaluation) },
          "models": [ { "name": "cnn", "architecture": "cnn:1x4x4-c2-p-3:relu:bn", "seeds": [0, 1]\(extra) } ],
          "comparisons": [ \(comparison) ]
        }
        """
    }

    /// A study of two BatchNorm CNNs with weight matching, activation matching and the Hessian — at the
    /// trained models and along the matched line — runs end to end: every matched end point computes B's
    /// function; the Hessian at a model is the library's (`HessianOperator`, same samples, steps and
    /// seed); along the line each t is taken at its reset running statistics, so at t = 0 it is A's
    /// Hessian after recomputing A's statistics on the training split, and the record says so.
    @Test func matchingAndHessiansRunOnAGraphNetwork() throws {
        let hessian = #"{ "measures": ["top"], "samples": 48, "steps": 6 }"#
        let text = """
            {
              "name": "graph-study",
              "data": { "spec": "fashion-mnist", "limit": 96 },
              "threads": 1,
              "evaluation": { "points": 3, "batch_size": 32 },
              "models": [ { "name": "cnn", "architecture": "cnn:1x28x28-c4s2-p-10:relu:bn", "seeds": [0, 1],
                            "training": { "epochs": 3, "batch_size": 16, "learning_rate": 0.05, "momentum": 0.9 },
                            "hessian": \(hessian) } ],
              "comparisons": [
                { "name": "wm", "method": "weight-matching", "models": "cnn", "hessian": \(hessian) },
                { "name": "am", "method": "activation-matching", "models": "cnn" }
              ]
            }
            """
        let file = try StudyFile(parsing: text, file: "graphs.json")
        let plan = try StudyPlan(file)
        let directory = try StudyFixtures.temporaryDirectory("graph-study")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = RunStore(root: directory)
        let task = StudyTask(plan: plan, store: store)
        for stage in plan.stages { for run in stage.runs { #expect(try task.execute(run), "\(run.label)") } }
        #expect(plan.runs.allSatisfy { store.status($0.key) == .done })

        let trained = try #require(plan.stage("train-0")).runs
        let model = { (k: Int) throws -> Model<Float> in
            try ModelFile.read("\(store.folder(trained[k].key))/model.safetensors")
        }
        let a = try model(0)
        let dataset = try file.data.datasetSpec().load()
        let samples = try dataset.train.curvatureSamples(count: 48, seed: nil)
        let loss = dataset.train.targets.defaultLoss
        func top(_ theta: ParameterVector<Float>) throws -> Double {
            let op = try HessianOperator(network: a.network, parameters: theta, samples: samples, loss: loss)
            return try #require(
                PointCurvature.measure(op, top: true, trace: false, steps: 6, probes: 0, seed: 0).topEigenvalue)
        }
        // At each trained model: the library's number.
        for run in try #require(plan.stage("hessian")).runs {
            let k = trained.firstIndex { $0.key == run.inputs[0] }!
            let measured = try #require(try store.metrics(run.key)["hessian.top"])
            #expect(abs(measured - (try top(try model(k).parameters))) <= 1e-9 * abs(measured), "\(run.label)")
        }
        let comparisons = try #require(plan.stage("compare")).runs
        for run in comparisons {
            let metrics = try store.metrics(run.key)
            #expect(try #require(metrics["alignment.deviation"]) < 1e-3, "\(run.label)")
            #expect(metrics["alignment.sweeps"] != nil)
        }
        // Along the weight-matched line: t = 0 is A with its statistics recomputed on the train split.
        let line = try #require(comparisons.first { $0.group == "wm" })
        let record = try JSONDecoder().decode(
            ComparisonCurvatureRecord.self,
            from: try #require(FileManager.default.contents(atPath: "\(store.folder(line.key))/curvature.json")))
        #expect(record.batchNorm?.contains("reset at every point") == true, "\(record.batchNorm ?? "nil")")
        var reset = [a.parameters]
        a.network.resetBatchNormStatistics(&reset, on: dataset.train, batchSize: 32)
        let atZero = try #require(record.points.first?.curvature.topEigenvalue)
        #expect(abs(atZero - (try top(reset[0]))) <= 1e-6 * abs(atZero), "t = 0: \(atZero)")
        #expect(reset[0] != a.parameters)
    }

    @Test func batchNormHandlingIsReadAndOptional() throws {
        let line = #"{ "name": "line", "method": "line", "models": "cnn", "pairs": "all" }"#
        let plain = try StudyFile(parsing: Self.study(comparison: line), file: "graphs.json")
        #expect(plain.evaluation.batchNorm == nil && plain.evaluation.batchNormHandling.rawValue == "reset")
        let chosen = try StudyFile(
            parsing: Self.study(comparison: line, evaluation: #", "batch_norm": "interpolate""#), file: "graphs.json")
        #expect(chosen.evaluation.batchNormHandling.rawValue == "interpolate")
        // Runs of a file without the key keep the keys they had: the key is absent from their configuration.
        let keys = try StudyPlan(plain).runs.map(\.key)
        #expect(try StudyPlan(chosen).runs.filter { $0.key.kind == "compare" }.allSatisfy { !keys.contains($0.key) })
        #expect(
            try StudyPlan(chosen).runs.filter { $0.key.kind == "train" }.map(\.key)
                == keys.filter { $0.kind == "train" })
        #expect(throws: (any Error).self) {
            try StudyFile(
                parsing: Self.study(comparison: line, evaluation: #", "batch_norm": "recompute""#), file: "graphs.json")
        }
    }
}
