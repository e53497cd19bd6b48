import Testing

@testable import OrbitStudies

/// Studies of graph networks: what needs a dense chain (permutation matching, the Hessian) is
/// refused when the file is read, naming the key's line, the architecture and its first non-dense
/// node; lines and centres are accepted, and `evaluation.batch_norm` picks the BatchNorm handling
/// without changing the runs of files that do not give it.
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

    @Test func denseOnlyComparisonsAndHessiansAreRefused() throws {
        let line = #"{ "name": "line", "method": "line", "models": "cnn", "pairs": "all" }"#
        for (text, key) in [
            (Self.study(comparison: #"{ "name": "wm", "method": "weight-matching", "models": "cnn" }"#), "method"),
            (Self.study(model: #", "hessian": { "measures": ["top"] }"#, comparison: line), "hessian"),
        ] {
            do {
                _ = try StudyFile(parsing: text, file: "graphs.json")
                Issue.record("accepted: \(text)")
            } catch {
                let message = "\(error)"
                #expect(
                    message.contains("graphs.json:") && message.contains("'\(key)'")
                        && message.contains("cnn:1x4x4-c2-p-3:relu:bn") && message.contains("node 'layers.0'")
                        && message.contains("Conv2d"), "\(message)")
            }
        }
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
