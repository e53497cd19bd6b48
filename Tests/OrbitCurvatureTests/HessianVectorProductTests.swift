import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining
import Testing

/// Exact Hessian-vector products (R-operator) against central finite differences of exact gradients,
/// in Float64, for every activation, through residual blocks, for both losses; and against the closed
/// form of linear least squares.
@Suite struct HessianVectorProductTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let description: String
        let loss: LossFunction
        var testDescription: String { "\(description) / \(loss.rawValue)" }
    }

    static let cases: [Case] = [
        Case(description: "mlp:5-7-6-3:relu", loss: .softmaxCrossEntropy),
        Case(description: "mlp:5-7-6-3:leaky_relu(0.1)", loss: .softmaxCrossEntropy),
        Case(description: "mlp:5-7-6-3:tanh", loss: .softmaxCrossEntropy),
        Case(description: "mlp:5-7-6-3:tanh", loss: .meanSquaredError),
        Case(description: "mlp:5-7-6-3:sigmoid", loss: .meanSquaredError),
        Case(description: "mlp:5-7-6-3:sigmoid", loss: .softmaxCrossEntropy),
        Case(description: "mlp:5-7-6-3:gelu", loss: .meanSquaredError),
        Case(description: "mlp:5-7-6-3:gelu", loss: .softmaxCrossEntropy),
        Case(description: "mlp:5-7-3:identity:nobias", loss: .meanSquaredError),
        Case(description: "linear-skip:4-3-4-2:eps=0.5", loss: .meanSquaredError),
        Case(description: "resmlp:5-6x2-3:relu", loss: .softmaxCrossEntropy),
        Case(description: "resmlp:5-6x1-3:gelu", loss: .meanSquaredError),
        Case(description: "resmlp:5-6x2-3:tanh", loss: .softmaxCrossEntropy),
    ]

    /// ∇L(θ) over the whole split (one batch).
    static func gradient(
        _ network: Network, _ theta: ParameterVector<Double>, _ split: DataSplit, _ loss: LossFunction
    ) -> ParameterVector<Double> {
        let ws = NetworkWorkspace<Double>(network: network, capacity: split.count)
        let loader = BatchLoader<Double>(split: split, capacity: split.count)
        loader.load(0..<split.count)
        _ = loader.withTargets { ws.lossAndGradient(theta, inputs: loader.inputs, targets: $0, loss: loss) }
        return ws.gradient
    }

    @Test(arguments: cases)
    func productMatchesFiniteDifferencesOfGradients(_ c: Case) throws {
        let network = try Network(parsing: c.description)
        let split = CurvatureFixtures.split(network: network, samples: 9, loss: c.loss, seed: 5)
        let theta = CurvatureFixtures.parameters(network, seed: 3)
        let v = CurvatureFixtures.direction(network.layout, seed: 11)
        // Batches of 4 rows: the product is accumulated over three batches (4 + 4 + 1).
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: c.loss, batchSize: 4)
        let exact = try op.apply(v)
        let h = 1e-5
        let plus = Self.gradient(network, theta + h * v, split, c.loss)
        let minus = Self.gradient(network, theta - h * v, split, c.loss)
        let numeric = (1 / (2 * h)) * (plus - minus)
        let error = (exact - numeric).norm / max(numeric.norm, 1e-8)
        #expect(error < 1e-6, "relative error \(error) (‖Hv‖ = \(exact.norm))")
        #expect(exact.norm > 1e-3)
    }

    /// L(W) = (1/n)·Σ_i (W·x_i − y_i)², a linear network under squared error: H = (2/n)·XᵀX exactly.
    @Test func linearLeastSquaresHasTheClosedFormHessian() throws {
        let network = try Network(inputSize: 6, blocks: [.dense(DenseLayer(outputs: 1, bias: false))])
        let n = 700  // several parts and batches
        let split = CurvatureFixtures.split(network: network, samples: n, loss: .meanSquaredError, seed: 2)
        let theta = CurvatureFixtures.parameters(network, seed: 4)
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .meanSquaredError, batchSize: 64)
        let hessian = try CurvatureFixtures.fullHessian(op)
        let x = Matrix<Double>(rows: n, columns: 6, flat: split.features.flat.map(Double.init))
        for i in 0..<6 {
            for j in 0..<6 {
                var expected = 0.0
                for r in 0..<n { expected += x[r, i] * x[r, j] }
                expected *= 2 / Double(n)
                #expect(abs(hessian[i, j] - expected) < 1e-10 * max(1, abs(expected)), "H[\(i), \(j)]")
            }
        }
    }

    /// The parts are summed in a fixed order: the same product, bit for bit, on every application.
    @Test func productsAreDeterministic() throws {
        let network = try Network(parsing: "mlp:5-7-3:relu")
        let split = CurvatureFixtures.split(network: network, samples: 1100, loss: .softmaxCrossEntropy, seed: 4)
        let theta = CurvatureFixtures.parameters(network, seed: 5).converted(to: Float.self)
        let v = CurvatureFixtures.direction(network.layout, seed: 6).converted(to: Float.self)
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, batchSize: 100)
        let first = try op.apply(v)
        let second = try op.apply(v)
        #expect(first == second)
        #expect(op.productCount == 2)
    }

    /// Float32 products agree with Float64 ones to single precision.
    @Test func floatProductsAgreeWithDouble() throws {
        let network = try Network(parsing: "resmlp:5-6x2-3:gelu")
        let split = CurvatureFixtures.split(network: network, samples: 50, loss: .softmaxCrossEntropy, seed: 8)
        let theta = CurvatureFixtures.parameters(network, seed: 9)
        let v = CurvatureFixtures.direction(network.layout, seed: 10)
        let double = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy
        ).apply(v)
        let single = try HessianOperator(
            network: network, parameters: theta.converted(to: Float.self), samples: split, loss: .softmaxCrossEntropy
        ).apply(v.converted(to: Float.self))
        let error = (single.converted(to: Double.self) - double).norm / double.norm
        #expect(error < 1e-4, "relative error \(error)")
    }

    /// A point whose loss is not finite gives an error naming the tensor, never a NaN product.
    @Test func nonFiniteProductIsAnError() throws {
        let network = try Network(parsing: "mlp:5-7-3:tanh")
        let split = CurvatureFixtures.split(network: network, samples: 10, loss: .softmaxCrossEntropy, seed: 1)
        var theta = CurvatureFixtures.parameters(network, seed: 2)
        theta.withUnsafeMutableBufferPointer { $0[3] = .nan }
        let op = try HessianOperator(
            network: network, parameters: theta, samples: split, loss: .softmaxCrossEntropy, pointDescription: "t = 0.5"
        )
        #expect {
            _ = try op.apply(CurvatureFixtures.direction(network.layout, seed: 3))
        } throws: { error in
            guard let e = error as? CurvatureError, case .nonFiniteProduct(_, _, let point) = e else { return false }
            return point == "t = 0.5" && e.description.contains("not finite")
        }
    }
}
