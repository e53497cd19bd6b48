import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// ∂L/∂θ and ∂L/∂x from the backward pass against central finite differences in Float64, for every
/// activation, with and without bias, through skip connections, for every loss.
@Suite struct NetworkGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let description: String
        let loss: LossFunction
        let regression: Bool
        var testDescription: String { "\(description) / \(loss.rawValue)\(regression ? " (values)" : "")" }
    }

    static let cases: [Case] = [
        Case(description: "mlp:5-7-6-3:relu", loss: .softmaxCrossEntropy, regression: false),
        Case(description: "mlp:5-7-6-3:leaky_relu(0.1)", loss: .softmaxCrossEntropy, regression: false),
        Case(description: "mlp:5-7-6-3:tanh", loss: .softmaxCrossEntropy, regression: false),
        Case(description: "mlp:5-7-6-3:sigmoid", loss: .meanSquaredError, regression: true),
        Case(description: "mlp:5-7-6-3:gelu", loss: .meanSquaredError, regression: true),
        Case(description: "mlp:5-7-3:identity:nobias", loss: .meanSquaredError, regression: false),
        Case(description: "linear:4-4-4-2", loss: .meanSquaredError, regression: true),
        Case(description: "linear-skip:4-3-4-2:eps=0.5", loss: .meanSquaredError, regression: true),
        Case(description: "linear-skip:1-1-1-1:eps=1", loss: .meanSquaredError, regression: true),
        Case(description: "resmlp:5-6x2-3:relu", loss: .softmaxCrossEntropy, regression: false),
        Case(description: "resmlp:5-6x1-3:gelu", loss: .meanSquaredError, regression: true),
    ]

    /// L(θ, X) = (1/b)·Σ ℓ_i in Float64.
    func loss(
        _ ws: NetworkWorkspace<Double>, _ theta: ParameterVector<Double>, _ x: Matrix<Double>, _ t: TargetsBox,
        _ f: LossFunction
    ) -> Double {
        x.withView { xv in
            ws.forward(theta, inputs: xv)
            return t.withBatch { ws.loss(f, targets: $0, gradient: false).lossSum } / Double(x.rows)
        }
    }

    /// Targets kept alive for the borrowed batch view.
    struct TargetsBox {
        var labels: [Int32]?
        var values: Matrix<Double>?
        func withBatch<R>(_ body: (TargetBatch<Double>) -> R) -> R {
            if let labels { return labels.withUnsafeBufferPointer { body(.classes($0)) } }
            return values!.withView { body(.values($0)) }
        }
    }

    @Test(arguments: cases)
    func backwardMatchesFiniteDifferences(_ c: Case) throws {
        let network = try Network(parsing: c.description)
        let b = 6
        var g = SeededGenerator(seed: 17)
        var theta: ParameterVector<Double> = network.initialParameters(.pytorch, seed: 3)
        // Non-zero biases everywhere, so bias gradients are exercised away from zero.
        theta.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += 0.05 * g.nextGaussian() } }
        let x = Matrix<Double>.normal(rows: b, columns: network.inputSize, generator: &g)
        let targets =
            c.regression
            ? TargetsBox(labels: nil, values: .normal(rows: b, columns: network.outputSize, generator: &g))
            : TargetsBox(labels: (0..<b).map { Int32($0 % network.outputSize) }, values: nil)
        let ws = NetworkWorkspace<Double>(network: network, capacity: 8)
        x.withView { xv in
            ws.forward(theta, inputs: xv)
            _ = targets.withBatch { ws.loss(c.loss, targets: $0, gradient: true) }
            ws.backward(theta, inputs: xv, inputGradient: true)
        }
        let analytic = ws.gradient
        let inputGradient = Matrix(ws.inputGradientView)
        let h = 1e-6
        var worst = 0.0
        for i in 0..<theta.count {
            var plus = theta, minus = theta
            plus.withUnsafeMutableBufferPointer { $0[i] += h }
            minus.withUnsafeMutableBufferPointer { $0[i] -= h }
            let numeric = (loss(ws, plus, x, targets, c.loss) - loss(ws, minus, x, targets, c.loss)) / (2 * h)
            let exact = analytic.withUnsafeBufferPointer { $0[i] }
            worst = max(worst, abs(numeric - exact) / max(1e-3, abs(numeric) + abs(exact)))
        }
        #expect(worst < 1e-5, "θ-gradient relative error \(worst)")
        var worstInput = 0.0
        for r in 0..<b {
            for j in 0..<network.inputSize {
                var plus = x, minus = x
                plus[r, j] += h
                minus[r, j] -= h
                let numeric =
                    (loss(ws, theta, plus, targets, c.loss) - loss(ws, theta, minus, targets, c.loss)) / (2 * h)
                worstInput = max(
                    worstInput, abs(numeric - inputGradient[r, j]) / max(1e-3, abs(numeric) + abs(inputGradient[r, j])))
            }
        }
        #expect(worstInput < 1e-5, "input-gradient relative error \(worstInput)")
    }

    @Test func activationDerivativesMatchFiniteDifferences() {
        for activation: Activation in [.identity, .relu, .leakyReLU(slope: 0.2), .tanh, .sigmoid, .gelu] {
            for z in [-2.5, -0.3, 0.4, 1.7] {
                let numeric = (activation(z + 1e-6) - activation(z - 1e-6)) / 2e-6
                #expect(abs(numeric - activation.derivative(z)) < 1e-8, "\(activation.name) at \(z)")
            }
        }
        // GELU matches its definition z·Φ(z): Φ(1) = 0.8413447460685429.
        #expect(abs(Activation.gelu(1.0) - 0.8413447460685429) < 1e-15)
    }

    @Test func crossEntropyKnownValue() {
        // Logits (0, ln 3): softmax (1/4, 3/4); ℓ for label 1 is −log(3/4); gradient (1/4, −1/4).
        let logits = Matrix<Double>([[0, log(3.0)]])
        var grad = Matrix<Double>(rows: 1, columns: 2)
        let labels: [Int32] = [1]
        let result = logits.withView { z in
            labels.withUnsafeBufferPointer { l in
                grad.withMutableView { g in
                    LossKernels.evaluate(
                        .softmaxCrossEntropy, outputs: z, targets: .classes(l), gradient: g, gradientScale: 1)
                }
            }
        }
        #expect(abs(result.lossSum + log(0.75)) < 1e-15 && result.correct == 1)
        #expect(abs(grad[0, 0] - 0.25) < 1e-15 && abs(grad[0, 1] + 0.25) < 1e-15)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
