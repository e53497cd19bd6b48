import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Small networks and data sets with perturbed parameters, shared by the curvature suites.
enum CurvatureFixtures {
    /// max_ij |H_ij − H_ji| and max_ij |H_ij| of a square matrix: its asymmetry and the scale to judge it by.
    static func asymmetry(_ h: Matrix<Double>) -> (asymmetry: Double, scale: Double) {
        var asymmetry = 0.0, scale = 0.0
        for i in 0..<h.rows {
            for j in 0..<h.columns {
                asymmetry = max(asymmetry, abs(h[i, j] - h[j, i]))
                scale = max(scale, abs(h[i, j]))
            }
        }
        return (asymmetry, scale)
    }

    /// A split of `n` Gaussian samples; class labels for cross-entropy, Gaussian values for squared error.
    static func split(network: Network, samples n: Int, loss: LossFunction, seed: UInt64) -> DataSplit {
        var g = SeededGenerator(seed: seed)
        let x = Matrix<Float>(
            rows: n, columns: network.inputSize,
            flat: (0..<n * network.inputSize).map { _ in Float(g.nextGaussian()) })
        switch loss {
        case .softmaxCrossEntropy:
            return DataSplit(
                features: x,
                targets: .classes(
                    labels: (0..<n).map { Int32($0 % network.outputSize) }, classCount: network.outputSize))
        case .meanSquaredError:
            let y = Matrix<Float>(
                rows: n, columns: network.outputSize,
                flat: (0..<n * network.outputSize).map { _ in Float(g.nextGaussian()) })
            return DataSplit(features: x, targets: .values(y))
        }
    }

    /// Initial parameters with every entry perturbed, so no bias sits at zero.
    static func parameters(_ network: Network, seed: UInt64) -> ParameterVector<Double> {
        var g = SeededGenerator(seed: seed &+ 1)
        var theta: ParameterVector<Double> = network.initialParameters(.pytorch, seed: seed)
        theta.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] += 0.1 * g.nextGaussian() } }
        return theta
    }

    /// A Gaussian direction.
    static func direction(_ layout: ParameterLayout, seed: UInt64) -> ParameterVector<Double> {
        var g = SeededGenerator(seed: seed)
        return HutchinsonTrace.gaussian(layout: layout, using: &g)
    }

    /// The full Hessian, column j = H·e_j.
    static func fullHessian(_ op: HessianOperator<Double>) throws -> Matrix<Double> {
        let p = op.dimension
        var h = Matrix<Double>(rows: p, columns: p)
        for j in 0..<p {
            var e = ParameterVector<Double>(layout: op.parameters.layout)
            e.withUnsafeMutableBufferPointer { $0[j] = 1 }
            let column = try op.apply(e).flat
            for i in 0..<p { h[i, j] = column[i] }
        }
        return h
    }
}
