import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitStar
import Testing

/// The centre-finding objective of Eq. 7 and its gradient (the chain rule t·∇R at each arm point,
/// plus the penalty 2λ(θ − θ_i)) agree with central finite differences in Float64.
@Suite struct CentreGradientTests {
    func fitter(penalty: Double, frozen: [String] = []) throws -> CentreFitter<Double> {
        let network = try Network(parsing: "mlp:3-5-2:tanh")
        let dataset = try DatasetSpec(parsing: "synthetic:regression:d=3,k=2,n=96,test=0,seed=4").load()
        let feet = (1...3).map { network.initialParameters(seed: UInt64($0), as: Double.self) }
        return try CentreFitter(
            network: network, dataset: dataset, feet: feet,
            configuration: CentreConfiguration(penalty: penalty, frozenTensors: frozen))
    }

    /// 24 rows run as one part; 96 rows are split across the cores when there are two or more.
    @Test(arguments: [0.0, 0.3], [24, 96])
    func gradientMatchesFiniteDifferences(penalty: Double, batch: Int) throws {
        let fitter = try fitter(penalty: penalty)
        let centre = fitter.network.initialParameters(seed: 9, as: Double.self)
        let feet = [0, 2], t = [0.2, 0.55, 0.9], rows = 0..<batch
        let (_, gradient) = fitter.objective(at: centre, feet: feet, t: t, rows: rows)
        var g = SeededGenerator(seed: 11)
        for _ in 0..<3 {
            let direction = ParameterVector<Double>(
                layout: centre.layout, flat: (0..<centre.count).map { _ in g.nextGaussian() })
            let h = 1e-5
            var plus = centre, minus = centre
            plus.add(direction, scaledBy: h)
            minus.add(direction, scaledBy: -h)
            let numeric =
                (fitter.objective(at: plus, feet: feet, t: t, rows: rows).value
                    - fitter.objective(at: minus, feet: feet, t: t, rows: rows).value) / (2 * h)
            let analytic = gradient.dot(direction)
            #expect(abs(numeric - analytic) <= 1e-7 * max(1, abs(analytic)), "numeric \(numeric) analytic \(analytic)")
        }
    }

    /// At t = 1 the arm point is the centre itself: the objective is R(θ) and the gradient ∇R(θ).
    @Test func armAtOneIsTheCentre() throws {
        let fitter = try fitter(penalty: 0)
        let centre = fitter.network.initialParameters(seed: 5, as: Double.self)
        let (value, gradient) = fitter.objective(at: centre, feet: [1], t: [1], rows: 0..<96)
        let direct = fitter.network.evaluate(centre, on: fitter.dataset.train)
        #expect(abs(value - direct.loss) < 1e-12)
        let workspace = NetworkWorkspace<Double>(network: fitter.network, capacity: 96)
        let x = fitter.dataset.train.features.converted(to: Double.self)
        guard case .values(let y) = fitter.dataset.train.targets else {
            Issue.record("regression targets")
            return
        }
        let yd = y.converted(to: Double.self)
        x.withView { xv in
            yd.withView { yv in
                _ = workspace.lossAndGradient(centre, inputs: xv, targets: .values(yv), loss: .meanSquaredError)
            }
        }
        #expect((workspace.gradient - gradient).norm < 1e-12)
    }

    /// A frozen tensor receives no gradient (so Adam leaves it where it started).
    @Test func frozenTensorHasZeroGradient() throws {
        let fitter = try fitter(penalty: 0.1, frozen: ["layers.2.weight"])
        let centre = fitter.network.initialParameters(seed: 5, as: Double.self)
        let (_, gradient) = fitter.objective(at: centre, feet: [0], t: [0.5], rows: 0..<96)
        #expect(gradient.tensor("layers.2.weight")!.flat.allSatisfy { $0 == 0 })
        #expect(gradient.tensor("layers.0.weight")!.flat.contains { $0 != 0 })
    }
}

/// The unfused route of the centre engine — a first layer that is a convolution, and BatchNorm in
/// training mode whose statistics are the whole minibatch's even when it is split across the cores —
/// agrees with central finite differences in Float64 along directions in the parameters.
@Suite struct CentreGradientGraphTests {
    @Test(arguments: [24, 96])
    func convolutionWithBatchNormMatchesFiniteDifferences(batch: Int) throws {
        let network = try Network(parsing: "cnn:1x4x4-c3-p-2:tanh:bn")
        var g = SeededGenerator(seed: 3)
        let n = 96
        let features = Matrix<Float>(rows: n, columns: 16, flat: (0..<(n * 16)).map { _ in Float(g.nextGaussian()) })
        let labels = (0..<n).map { Int32($0 % 2) }
        let split = DataSplit(
            features: features, targets: .classes(labels: labels, classCount: 2), sampleShape: [1, 4, 4])
        let dataset = Dataset(name: "images", train: split, test: nil)
        let feet = (1...2).map { network.initialParameters(seed: UInt64($0), as: Double.self) }
        let fitter = try CentreFitter(
            network: network, dataset: dataset, feet: feet, configuration: CentreConfiguration(penalty: 0.1))
        let centre = network.initialParameters(seed: 9, as: Double.self)
        let feetIndices = [0, 1], t = [0.3, 0.8], rows = 0..<batch
        let (_, gradient) = fitter.objective(at: centre, feet: feetIndices, t: t, rows: rows)
        let parameters = network.layout.parameterCount
        for _ in 0..<3 {
            let direction = ParameterVector<Double>(
                layout: centre.layout,
                flat: (0..<centre.count).map { $0 < parameters ? g.nextGaussian() : 0 })
            let h = 1e-5
            var plus = centre, minus = centre
            plus.add(direction, scaledBy: h)
            minus.add(direction, scaledBy: -h)
            let numeric =
                (fitter.objective(at: plus, feet: feetIndices, t: t, rows: rows).value
                    - fitter.objective(at: minus, feet: feetIndices, t: t, rows: rows).value) / (2 * h)
            let analytic = gradient.dot(direction)
            #expect(abs(numeric - analytic) <= 1e-7 * max(1, abs(analytic)), "numeric \(numeric) analytic \(analytic)")
        }
    }
}
