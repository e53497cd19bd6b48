import ArgumentParser
import Foundation
import OrbitKit

/// `2..5` or `2,3,4` or `3`: a list of positive integers.
func parseIntegerList(_ text: String, option: String) throws -> [Int] {
    if let range = text.range(of: "..") {
        guard let lo = Int(text[..<range.lowerBound]), let hi = Int(text[range.upperBound...]), lo >= 1, lo <= hi else {
            throw ValidationError("\(option) takes A..B with 1 ≤ A ≤ B, or a comma list (got '\(text)')")
        }
        return Array(lo...hi)
    }
    let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError("\(option) takes A..B or a comma list of positive integers (got '\(text)')")
    }
    return values.map { $0! }
}

struct SymmetryComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "Count connected components of the minimum of linear nets (Zhao et al. 2025, Cor 4.2, Prop 4.3).",
        discussion: """
            Without --skip: samples minima of ‖Y − W_l⋯W₁X‖² (h × h weights) and counts distinct labels
            (sign det G_1, …, sign det G_(l−1)); Cor 4.2 says 2^(l−1). With --skip EPS: the three-layer net
            W₃(W₂W₁X + εX); components are found by path connectivity of sampled minima (and, for width 1,
            a flood fill of a fine grid), not by labels; Prop 4.3 says 3 for ε ≠ 0 and 4 for ε = 0 at width 1.
            Example: orbit symmetry components --depth 2..5 --width 2..8 --out comps
            """)

    @Option(help: "Depths l (number of weight matrices): A..B or a comma list (with --skip: 3).") var depth: String?
    @Option(help: "Widths h: A..B or a comma list.") var width = "2..4"
    @Option(help: "Minima sampled per (depth, width).") var samples = 200
    @Option(help: "Skip weight ε of W₃(W₂W₁X + εX).") var skip: Double?
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Output directory.") var out: String
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let depths = try parseIntegerList(depth ?? (skip == nil ? "2..5" : "3"), option: "--depth")
        let widths = try parseIntegerList(width, option: "--width")
        guard samples >= 2 else { throw ValidationError("--samples must be at least 2") }
        if let skip {
            guard skip.isFinite else { throw ValidationError("--skip must be a finite number") }
            guard depths == [3] else { throw ValidationError("--skip applies to the three-layer net; use --depth 3") }
        } else {
            guard depths.allSatisfy({ $0 >= 2 && $0 <= 12 }) else { throw ValidationError("--depth must lie in 2..12") }
        }
        guard widths.allSatisfy({ $0 <= 64 }) else { throw ValidationError("--width must be at most 64") }
    }

    func run() throws {
        global.apply()
        let widths = try parseIntegerList(width, option: "--width")
        if let skip {
            try runSkip(epsilon: skip, widths: widths)
            return
        }
        let depths = try parseIntegerList(depth ?? "2..5", option: "--depth")
        var counts: [ChainComponentCount] = []
        for l in depths {
            for h in widths {
                let c = try ChainComponentSurvey.count(depth: l, width: h, samples: samples, seed: seed)
                counts.append(c)
                print("l = \(l), h = \(h): \(c.labelsFound) labels among \(samples) minima (2^(l−1) = \(c.expected))")
            }
        }
        let files = try ComponentReports.writeChain(counts, to: out)
        print("wrote " + files.map { "\(out)/\($0)" }.joined(separator: ", "))
    }

    func runSkip(epsilon: Double, widths: [Int]) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rows: [ResultValue] = []
        var table: [[String]] = []
        var files: [String] = []
        for h in widths {
            let sampled = SkipMinimumComponents.sampled(width: h, epsilon: epsilon, samples: samples, seed: seed)
            var row: ResultValue = [
                "width": h, "epsilon": epsilon, "sampled_components": sampled.count, "sizes": sampled.sizes,
            ]
            var gridText = "-"
            if h == 1 {
                let resolution = 301
                let grid = SkipMinimumComponents.grid(epsilon: epsilon, resolution: resolution)
                row["grid_components"] = grid.majorCount.resultValue
                row["grid_fragments"] = grid.count.resultValue
                gridText = "\(grid.majorCount)"
                try SkipComponentFigure.heatmap(grid, epsilon: epsilon, resolution: resolution)
                    .write(to: out + "/minimum-h1.svg")
                files.append("minimum-h1.svg")
            }
            rows.append(row)
            table.append(["\(h)", "\(sampled.count)", gridText, sampled.sizes.map(String.init).joined(separator: ", ")])
            print(
                "h = \(h), ε = \(epsilon): \(sampled.count) components by path connectivity of \(samples) minima; grid flood fill: \(gridText)"
            )
        }
        try JSONReport.write(["rows": rows], to: out + "/components-skip.json")
        var section = HTMLReport.Section("Components of the minimum of W₃(W₂W₁X + εX), ε = \(epsilon)")
        section.paragraph(
            "Sampled minima (X = Y = I) are joined when the straight path in (W₁, W₂) stays on the minimum; for h = 1 a flood fill of a 301² grid counts components too. Prop 4.3 (h = 1): 3 for ε ≠ 0, 4 for ε = 0; h > 1 is not covered by the paper."
        )
        section.table(
            HTMLReport.Table(columns: ["h", "path-connectivity count", "grid flood fill", "sizes"], rows: table))
        try HTMLReport(title: "Skip-connection components", sections: [section]).write(to: out + "/index.html")
        files += ["components-skip.json", "index.html"]
        print("wrote " + files.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
