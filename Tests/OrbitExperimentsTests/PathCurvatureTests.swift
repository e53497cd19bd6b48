import Foundation
import OrbitCurvature
import OrbitData
import OrbitExperiments
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitReports
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Curvature along a path on a model whose Hessian is known at every point: a linear least-squares
/// network, H = (2/n)·XᵀX whatever θ, so λ_max and the trace are the same exact numbers at each t.
@Suite struct PathCurvatureTests {
    @Test func linearLeastSquaresCurvatureIsConstantAndExactAlongALine() throws {
        let network = try Network(inputSize: 5, blocks: [.dense(DenseLayer(outputs: 1, bias: false))])
        let n = 300
        var g = SeededGenerator(seed: 3)
        let x = Matrix<Double>.normal(rows: n, columns: 5, generator: &g)
        let y = Matrix<Double>.normal(rows: n, columns: 1, generator: &g)
        let split = DataSplit(features: x.converted(to: Float.self), targets: .values(y.converted(to: Float.self)))
        // (2/n)·XᵀX from the Float32 features the network sees.
        let xf = split.features.converted(to: Double.self)
        var h = Matrix<Double>(rows: 5, columns: 5)
        for i in 0..<5 {
            for j in 0..<5 {
                var s = 0.0
                for r in 0..<n { s += xf[r, i] * xf[r, j] }
                h[i, j] = 2 * s / Double(n)
            }
        }
        let top = try SymmetricEigendecomposition(h).eigenvalues.last!
        let trace = (0..<5).reduce(0) { $0 + h[$1, $1] }
        let a: ParameterVector<Double> = network.initialParameters(seed: 1)
        let b: ParameterVector<Double> = network.initialParameters(seed: 2)
        let record = try PathCurvatureRecord.measure(
            AffinePath.line(a, b), name: "line", t: [0, 0.5, 1], network: network, samples: split,
            sampleSelection: "all", loss: .meanSquaredError,
            settings: PathCurvatureSettings(topEigenvalue: true, trace: true, steps: 5, probes: 64))
        #expect(record.points.count == 3)
        for p in record.points {
            let c = p.curvature
            #expect(abs(c.topEigenvalue! - top) < 1e-9 * top, "t = \(p.t)")
            #expect(c.residual! < 1e-6)
            #expect(abs(c.trace!.value - trace) < 4 * c.trace!.standardError, "t = \(p.t)")
        }
        // The loss is quadratic along the line: the barrier at the midpoint is −¼·(b − a)ᵀH(b − a)/2·… < 0
        // (a convex loss lies below its chord), and the end points' barriers are 0.
        #expect(record.points[0].barrier == 0 && abs(record.points[2].barrier) < 1e-12)
        let d = (b - a).flat
        var curvatureAlongLine = 0.0
        for i in 0..<5 { for j in 0..<5 { curvatureAlongLine += d[i] * h[i, j] * d[j] } }
        // L(½) − ½(L(0) + L(1)) = −⅛·dᵀHd for a quadratic with Hessian H.
        #expect(abs(record.points[1].barrier + curvatureAlongLine / 8) < 1e-6 * curvatureAlongLine)
        let text = try JSONReport.encode([record])
        #expect(text.contains("\"top_eigenvalue\"") && text.contains("\"standard_error\""))
    }

    @Test func stackedChartsNestOnePanelPerChart() throws {
        var first = LineChart(title: "barrier", xLabel: "t", yLabel: "loss")
        first.series = [.init(name: "line", x: [0, 1], y: [0, 1])]
        var second = LineChart(title: "curvature", xLabel: "t", yLabel: "λ")
        second.series = [.init(name: "λ", x: [0, 2], y: [3, 4])]
        let figure = StackedCharts(title: "both", panels: [first, second])
        // One x range for every panel, covering both charts' data.
        let range = try #require(figure.panels[0].xRange)
        #expect(figure.panels.allSatisfy { $0.xRange == range })
        #expect(range.lowerBound <= 0 && range.upperBound >= 2)
        let svg = figure.svg(width: 800, height: 600)
        #expect(svg.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(svg.contains("<svg y=\"0\" ") && svg.contains("<svg y=\"300\" "))
        // Well-formed XML: the document parses.
        #expect(XMLParser(data: Data(svg.utf8)).parse())
    }
}
