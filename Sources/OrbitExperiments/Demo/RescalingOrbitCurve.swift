import Foundation
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitSymmetry

/// The orbit curve of a rescaling: γ(t) = exp(t·log D)·w = D^t·w, with D the positive diagonals of
/// a ``RescalingAction`` (Zhao et al. 2025, §6: γ(t) = exp(t·log g)·w for g in the symmetry group).
///
/// Every γ(t) is D(t)·w for the positive diagonal D(t) = D^t, so it is on the orbit of w and a
/// positively homogeneous network computes the same function at every t: the loss is constant
/// along γ, while the straight line from w to D·w generally climbs (Prop 5.3). Cost per point: one
/// action, O(P).
public struct RescalingOrbitCurve<Scalar: BLASScalar>: ParameterPath {
    public let network: Network
    public let start: ParameterVector<Scalar>
    public let scales: [[Double]]

    public init(network: Network, start: ParameterVector<Scalar>, scales: [[Double]]) throws {
        _ = try RescalingAction(network: network, scales: scales)
        self.network = network
        self.start = start
        self.scales = scales
    }

    public var layout: ParameterLayout { network.layout }
    public var kindDescription: String { "rescaling orbit curve D^t·w" }

    public func point(at t: Double) -> ParameterVector<Scalar> {
        let scaled = scales.map { $0.map { pow($0, t) } }
        // The scales are validated in init and stay positive and finite for t in [0, 1].
        return try! RescalingAction(network: network, scales: scaled).act(on: start)
    }
}
