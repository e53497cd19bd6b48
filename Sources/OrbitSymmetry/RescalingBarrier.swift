import OrbitNetworks
import OrbitNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The loss barrier between a minimum and its rescaling (Zhao, Dehmamy, Walters, Yu, ICML 2025,
/// Props 5.3 and 5.4; docs/math/symmetry.md §4, statement [S], closed form [S] and checked by us).
///
/// Setting: L(W) = ‖Y − W_l σ(W_{l−1} h(x))‖² summed over samples and outputs, σ positively
/// homogeneous of degree k (σ(cz) = c^k σ(z), c > 0: ReLU, leaky ReLU, identity with k = 1), no bias
/// on the last layer. The rescaled minimum is w′ = (m·W_{l−1} [and its bias], m^{−k}·W_l), the other
/// layers unchanged (``RescalingAction`` with D = m·I on the last hidden layer), so f(·; w′) = f(·; w).
/// On the line w(t) = (1−t)w + tw′ only W_{l−1} and W_l move, each by a positive factor, so
///
///     f(x; w(t)) = s(t)·f(x; w),   s(t) = ((1−t) + t·m^{−k})·((1−t) + t·m)^k,
///
/// and L(w(t)) = ‖Y − s(t)·f(X; w)‖². For a zero-loss minimum (f = Y) this is (1 − s(t))²‖Y‖²; at
/// t = ½ it is the paper's closed form (1 − 2^{−(k+1)}(1 + m^{−k})(1 + m)^k)²‖Y‖², which grows like
/// (m/4)²‖Y‖² for k = 1 — no bound, although w and w′ lie on one constant-loss rescaling curve
/// (one connected component). Prop 5.4: permuting hidden layer l−1 of w′ does not help, since
/// σ commutes with permutations and the m^k term survives for non-degenerate W.
public enum RescalingBarrier {
    /// s(t) above: the factor by which the output is multiplied at w(t).
    public static func outputScale(t: Double, factor m: Double, degree k: Int) -> Double {
        ((1 - t) + t * pow(m, -Double(k))) * pow((1 - t) + t * m, Double(k))
    }

    /// Prop 5.3's closed form (1 − 2^{−(k+1)}(1 + m^{−k})(1 + m)^k)²·‖Y‖² for a zero-loss minimum.
    public static func closedFormMidpointLoss(factor m: Double, degree k: Int, targetSquaredNorm: Double) -> Double {
        let s = pow(2, -Double(k + 1)) * (1 + pow(m, -Double(k))) * pow(1 + m, Double(k))
        return (1 - s) * (1 - s) * targetSquaredNorm
    }

    /// w′: hidden layer l−1 of θ rescaled by m (its incoming weights and bias ×m, the last layer's
    /// weights ×m^{−k}). Fails for networks ``RescalingAction`` refuses (non-homogeneous
    /// activations, skip blocks) and for m ≤ 0.
    public static func rescaled(network: Network, _ theta: ParameterVector<Double>, factor m: Double)
        throws(SymmetryError) -> ParameterVector<Double>
    {
        let hidden = network.denseLayers.dropLast().map(\.outputs)
        guard !hidden.isEmpty else { throw .unsupportedNetwork(reason: "rescaling needs at least one hidden layer") }
        var scales = hidden.map { Array(repeating: 1.0, count: $0) }
        scales[scales.count - 1] = Array(repeating: m, count: hidden.last!)
        return try RescalingAction(network: network, scales: scales).act(on: theta)
    }

    /// The homogeneity degree k of the last hidden layer's activation (nil if not homogeneous).
    public static func degree(of network: Network) -> Int? {
        let dense = network.denseLayers
        guard dense.count >= 2 else { return nil }
        return dense[dense.count - 2].activation.homogeneityDegree
    }
}

/// ‖Y − f(X; θ)‖²_F: the squared error summed over samples and outputs (the loss of Props 5.3/5.4),
/// in Float64 with one forward pass. `inputs` n × d, `targets` n × outputs.
public func sumOfSquaredErrors(
    network: Network, _ theta: ParameterVector<Double>, inputs: Matrix<Double>, targets: Matrix<Double>
) -> Double {
    guard inputs.rows > 0 else { return 0 }
    let workspace = NetworkWorkspace<Double>(network: network, capacity: inputs.rows)
    let output = inputs.withView { Matrix(workspace.forward(theta, inputs: $0)) }
    return (targets - output).sumOfSquares()
}

/// f(X; θ) in Float64 (n × outputs).
public func networkOutputs(network: Network, _ theta: ParameterVector<Double>, inputs: Matrix<Double>) -> Matrix<
    Double
> {
    let workspace = NetworkWorkspace<Double>(network: network, capacity: max(inputs.rows, 1))
    return inputs.withView { Matrix(workspace.forward(theta, inputs: $0)) }
}

/// ‖∇L(θ)‖ for the mean squared error L = (1/n)·Σᵢ‖yᵢ − f(xᵢ; θ)‖² (one forward and backward pass in
/// Float64): the local Lipschitz constant C_L of Thm 6.2 (Zhao et al. 2025) is estimated by its
/// maximum over points near the chord. Cost: O(n·P).
public func meanSquaredErrorGradientNorm(
    network: Network, _ theta: ParameterVector<Double>, inputs: Matrix<Double>, targets: Matrix<Double>
) -> Double {
    let workspace = NetworkWorkspace<Double>(network: network, capacity: max(inputs.rows, 1))
    inputs.withView { x in
        targets.withView { y in
            _ = workspace.lossAndGradient(theta, inputs: x, targets: .values(y), loss: .meanSquaredError)
        }
    }
    return workspace.gradient.norm
}
