import OrbitNetworks
import OrbitNumerics

/// The largest change of the network's outputs caused by moving from θ to θ′, relative to the outputs
/// at θ:  max_{x, j} |f_j(x; θ′) − f_j(x; θ)| / max_{x, j} |f_j(x; θ)|  over the rows x of `inputs`.
///
/// A symmetry (Zhao et al., ICML 2025, §3: L(g·w) = L(w) because f(x; g·w) = f(x; w)) gives a value at
/// rounding level; this is how every action in this module is checked. If f(x; θ) is identically
/// zero the absolute deviation is returned. Computed with one ``NetworkWorkspace`` in Float64:
/// two forward passes, O(n·P) flops for n samples and P parameters.
public func invarianceDeviation<S: BLASScalar>(
    network: Network, _ theta: ParameterVector<S>, acted: ParameterVector<S>, inputs: Matrix<Double>
) -> Double {
    guard inputs.rows > 0 else { return 0 }
    // Evaluation mode: BatchNorm's running statistics must move with their channels too.
    let workspace = NetworkWorkspace<Double>(network: network, capacity: inputs.rows, inference: true)
    let before = inputs.withView { Matrix(workspace.forward(theta.converted(to: Double.self), inputs: $0)) }
    let after = inputs.withView { Matrix(workspace.forward(acted.converted(to: Double.self), inputs: $0)) }
    let scale = before.maxMagnitude()
    let deviation = (after - before).maxMagnitude()
    return scale > 0 ? deviation / scale : deviation
}

/// A group acting on the parameters of one network, f(x; g·θ) = f(x; θ) for every x.
public protocol SymmetryAction {
    /// The network whose parameters the action moves.
    var network: Network { get }
    /// g·θ.
    func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double>
}

extension SymmetryAction {
    /// g·θ in another precision: the action is applied in Float64 and the result converted back.
    public func act<S: BLASScalar>(on theta: ParameterVector<S>) throws(SymmetryError) -> ParameterVector<S> {
        try act(on: theta.converted(to: Double.self)).converted(to: S.self)
    }

    /// ``invarianceDeviation(network:_:acted:inputs:)`` between θ and g·θ; throws
    /// ``SymmetryError/invarianceViolated(deviation:tolerance:)`` above `tolerance`.
    /// Cost: the action plus two forward passes.
    @discardableResult
    public func check(
        _ theta: ParameterVector<Double>, inputs: Matrix<Double>, tolerance: Double = 1e-10
    ) throws(SymmetryError) -> Double {
        let acted = try act(on: theta)
        let deviation = invarianceDeviation(network: network, theta, acted: acted, inputs: inputs)
        // `!(≤)` so that a NaN deviation also fails.
        if !(deviation <= tolerance) { throw .invarianceViolated(deviation: deviation, tolerance: tolerance) }
        return deviation
    }
}
