import Foundation

@testable import OrbitStudies

/// Small study documents for the tests: 2 widths × 2 seeds of a tiny MLP on synthetic regression
/// data, the line and the weight-matched line of every pair.
enum StudyFixtures {
    /// The study text with `replacing` substitutions applied (to vary one field).
    static func text(
        epochs: Int = 2, points: Int = 5, maxSweeps: Int = 50, widths: String = "[4, 8]", seeds: String = "[0, 1]"
    ) -> String {
        """
        {
          "name": "tiny",
          "data": { "spec": "synthetic:teacher-student:d=3,M=2,n=64,test=32,seed=0", "standardize": "none" },
          "threads": 1,
          "evaluation": { "points": \(points), "batch_size": 64 },
          "models": [
            {
              "name": "mlp",
              "architecture": "mlp:3-{width}-1:relu",
              "widths": \(widths),
              "seeds": \(seeds),
              "training": { "epochs": \(epochs), "batch_size": 16, "learning_rate": 0.05, "momentum": 0.9 }
            }
          ],
          "comparisons": [
            { "name": "line", "method": "line", "models": "mlp" },
            { "name": "wm", "method": "weight-matching", "models": "mlp", "pairs": "all", "max_sweeps": \(maxSweeps) }
          ]
        }
        """
    }

    /// A Bézier comparison of every pair, to append to the comparisons of ``text(epochs:points:maxSweeps:widths:)``.
    static let bezierComparison = """
        ,
            { "name": "bezier", "method": "line", "path": "bezier", "models": "mlp",
              "curve_training": { "epochs": 20, "batch_size": 16, "learning_rate": 0.05, "momentum": 0.9 } }
          ]
        """

    /// The tiny study with the Bézier comparison added.
    static func textWithCurves() -> String {
        let base = text()
        let end = base.range(of: "\n  ]\n}", options: .backwards)!
        return base.replacingCharacters(in: end, with: bezierComparison + "\n}")
    }

    /// The tiny study with three seeds and, after the line and weight-matched comparisons, the NGD
    /// fold-line of every pair (a centre per pair, penalty λ = `penalty`) and a weight-matched star
    /// per width.
    static func textWithCentres(penalty: String = "1e-4") -> String {
        let base = text(seeds: "[0, 1, 2]")
        let end = base.range(of: "\n  ]\n}", options: .backwards)!
        return base.replacingCharacters(
            in: end,
            with: """
                ,
                    { "name": "ngd", "method": "line", "path": "fold-line", "models": "mlp",
                      "centre_training": { "epochs": 8, "batch_size": 16, "penalty": \(penalty) } },
                    { "name": "star", "method": "weight-matching", "path": "star", "models": "mlp",
                      "centre_training": { "epochs": 8, "batch_size": 16 } }
                  ]
                }
                """)
    }

    /// A small `hessian` object: both measures on the 64 training samples, 10 Lanczos steps, 8 probes.
    static let hessian = #"{ "measures": ["top", "trace"], "samples": 64, "steps": 10, "probes": 8 }"#

    /// The tiny study (with `epochs` of training) whose model group asks for `hessian` (line 13).
    static func textWithHessian(_ hessian: String = hessian, epochs: Int = 2) -> String {
        let base = text(epochs: epochs)
        let end = base.range(of: "\"momentum\": 0.9 }\n")!
        return base.replacingCharacters(in: end, with: "\"momentum\": 0.9 },\n      \"hessian\": \(hessian)\n")
    }

    /// `text` with `hessian` on the plain line comparison (line 16).
    static func withPathHessian(_ text: String, _ hessian: String = hessian) -> String {
        text.replacingOccurrences(
            of: #"{ "name": "line", "method": "line", "models": "mlp" }"#,
            with: #"{ "name": "line", "method": "line", "models": "mlp", "hessian": "# + hessian + " }")
    }

    static func plan(_ text: String = text()) throws -> StudyPlan {
        try StudyPlan(StudyFile(parsing: text, file: "tiny.study.json"))
    }

    /// A fresh empty directory.
    static func temporaryDirectory(_ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "orbit-studies-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The study text written to a file in `directory`.
    static func write(_ text: String, in directory: String) throws -> String {
        let path = "\(directory)/tiny.study.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
