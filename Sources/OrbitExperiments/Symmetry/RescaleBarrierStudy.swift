import Foundation
import OrbitNetworks
import OrbitNumerics
import OrbitReports
import OrbitSymmetry

/// The rescaling barrier of Zhao, Dehmamy, Walters, Yu (ICML 2025), Props 5.3 and 5.4, measured on
/// one model and data set: for each factor m, w′ = w with its last hidden layer rescaled by m
/// (``RescalingBarrier/rescaled(network:_:factor:)``), the squared-error loss at the midpoint and
/// the maximum on the straight line w → w′, the prediction ‖Y − s(½)·f(X; w)‖²/n (the paper's closed
/// form when w has zero loss, our generalisation [R] otherwise), and the best midpoint loss over
/// random permutations of the rescaled layer (Prop 5.4).
///
/// Loss: (1/n)·Σᵢ‖yᵢ − f(xᵢ)‖², the squared error of the paper averaged over samples (class labels
/// become one-hot targets). Cost: factors × (linePoints + permutations + 2) forward passes.
public struct RescaleBarrierStudy: Sendable {
    public var factors: [Double]
    /// Loss at t = ½.
    public var midpoint: [Double]
    /// max over the t grid of the loss on the line.
    public var pathMaximum: [Double]
    /// ‖Y − s(½)f‖²/n, the closed form.
    public var predicted: [Double]
    /// min over the sampled permutations (identity included) of the midpoint loss.
    public var bestPermuted: [Double]
    /// Loss at w (and, by the symmetry, at every w′).
    public var endpointLoss: Double
    /// The homogeneity degree k.
    public var degree: Int
    public var permutations: Int
    /// max |measured − predicted| / predicted over the factors.
    public var maximumRelativeDifference: Double {
        zip(midpoint, predicted).map { abs($0 - $1) / max(abs($1), .leastNormalMagnitude) }.max() ?? 0
    }

    public static func run(
        network: Network, _ theta: ParameterVector<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
        factors: [Double], permutations: Int, seed: UInt64, linePoints: Int = 25
    ) throws -> RescaleBarrierStudy {
        do { try network.requireDenseChain(for: "the rescaling-barrier study") } catch {
            throw SymmetryError.unsupportedNetwork(reason: error.description)
        }
        guard let k = RescalingBarrier.degree(of: network) else {
            throw SymmetryError.unsupportedNetwork(
                reason:
                    "the last hidden layer's activation is not positively homogeneous (use relu, leaky_relu or identity)"
            )
        }
        if let last = network.denseLayers.last, last.bias {
            throw SymmetryError.unsupportedNetwork(
                reason: "Prop 5.3 needs a last layer without bias (use an mlp with :nobias)")
        }
        let n = Double(max(inputs.rows, 1))
        let loss = { (p: ParameterVector<Double>) in
            sumOfSquaredErrors(network: network, p, inputs: inputs, targets: targets) / n
        }
        let f = networkOutputs(network: network, theta, inputs: inputs)
        let hidden = network.denseLayers.dropLast().map(\.outputs)
        var generator = SeededGenerator(seed: seed)
        let draws: [[Int]] =
            [Array(0..<hidden.last!)]
            + (0..<permutations).map { _ in fisherYatesPermutation(count: hidden.last!, using: &generator) }
        var study = RescaleBarrierStudy(
            factors: factors, midpoint: [], pathMaximum: [], predicted: [], bestPermuted: [], endpointLoss: loss(theta),
            degree: k, permutations: permutations)
        let grid = (0..<linePoints).map { Double($0) / Double(linePoints - 1) }
        for m in factors {
            let wPrime = try RescalingBarrier.rescaled(network: network, theta, factor: m)
            study.midpoint.append(loss(ParameterVector.lerp(theta, wPrime, 0.5)))
            study.pathMaximum.append(grid.map { loss(ParameterVector.lerp(theta, wPrime, $0)) }.max()!)
            let s = RescalingBarrier.outputScale(t: 0.5, factor: m, degree: k)
            study.predicted.append((targets - s * f).sumOfSquares() / n)
            var best = Double.infinity
            for p in draws {
                let perms = hidden.dropLast().map { Array(0..<$0) } + [p]
                let moved = try PermutationAction(network: network, permutations: perms).act(on: wPrime)
                best = min(best, loss(ParameterVector.lerp(theta, moved, 0.5)))
            }
            study.bestPermuted.append(best)
        }
        return study
    }

    /// The loss-vs-factor chart (log–log): measured midpoint, closed form, path maximum, best permuted.
    /// Points with loss at rounding level (m = 1 gives ~1e-30) are left out so the log axis shows the growth.
    public func chart(title: String) -> LineChart {
        var chart = LineChart(title: title, xLabel: "rescaling factor m", yLabel: "loss", yScale: .logarithmic)
        let floor = 1e-12 * (pathMaximum.max() ?? 0)
        let visible = { (y: [Double]) in y.map { $0 > floor ? $0 : .nan } }
        chart.xScale = .logarithmic
        chart.series = [
            .init(
                name: "midpoint (measured)", x: factors, y: visible(midpoint),
                style: .init(colour: Palette.colour(0), marker: .circle)),
            .init(
                name: "closed form (Prop 5.3)", x: factors, y: visible(predicted),
                style: .init(colour: Palette.colour(1), dash: .dashed)),
            .init(
                name: "max on the line", x: factors, y: visible(pathMaximum),
                style: .init(colour: Palette.colour(2), marker: .square)),
            .init(
                name: "best of \(permutations + 1) permutations (Prop 5.4)", x: factors, y: visible(bestPermuted),
                style: .init(colour: Palette.colour(3), marker: .triangle)),
        ]
        return chart
    }

    /// Every number, for JSON.
    public var numbers: ResultValue {
        [
            "factors": factors, "midpoint_loss": midpoint, "path_max_loss": pathMaximum, "closed_form": predicted,
            "best_permuted_midpoint_loss": bestPermuted, "endpoint_loss": endpointLoss, "degree": degree,
            "permutations": permutations, "max_relative_difference": maximumRelativeDifference,
        ]
    }

    /// The table rows: m, measured, closed form, relative difference, path max, best permuted.
    public var table: HTMLReport.Table {
        HTMLReport.Table(
            columns: ["m", "midpoint loss", "closed form", "rel. diff.", "max on line", "best permuted midpoint"],
            rows: factors.indices.map { i in
                [
                    String(format: "%g", factors[i]), String(format: "%.6g", midpoint[i]),
                    String(format: "%.6g", predicted[i]),
                    String(
                        format: "%.1e", abs(midpoint[i] - predicted[i]) / max(abs(predicted[i]), .leastNormalMagnitude)),
                    String(format: "%.6g", pathMaximum[i]), String(format: "%.6g", bestPermuted[i]),
                ]
            })
    }

    /// Writes rescale.svg, rescale.json and index.html into `directory`; returns the file names.
    public func write(to directory: String, title: String, facts: [(String, String)]) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let chart = chart(title: title)
        try chart.write(to: directory + "/rescale.svg")
        try JSONReport.write(numbers, to: directory + "/rescale.json")
        var section = HTMLReport.Section("Loss between w and its rescaling")
        section.paragraph(
            "w′ multiplies the last hidden layer's incoming weights by m and the output weights by m^−k (k = \(degree)); f is unchanged, so w and w′ lie on one constant-loss curve. The straight line between them has the loss below (Zhao et al. 2025, Props 5.3–5.4)."
        )
        section.figure(chart, caption: "Loss at the midpoint and on the line vs the rescaling factor.")
        section.table(table)
        try HTMLReport(title: title, facts: facts, sections: [section]).write(to: directory + "/index.html")
        return ["rescale.svg", "rescale.json", "index.html"]
    }
}
