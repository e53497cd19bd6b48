import OrbitNetworks
import OrbitNumerics

/// The curvature of one tensor's diagonal block H_BB of the Hessian: its top eigenvalue (Lanczos on
/// v ↦ P_B·H·P_B·v, P_B the projection onto the tensor's coordinates) and its trace (from the
/// Hutchinson probes of the whole Hessian, ``HutchinsonTrace``). docs/math/curvature.md §5.
public struct BlockCurvature: Sendable {
    public var tensor: String
    public var parameterCount: Int
    /// The largest eigenvalue of H_BB and its Lanczos residual.
    public var topEigenvalue: Double
    public var residual: Double
    public var lanczosSteps: Int
    /// tr H_BB ± its standard error.
    public var trace: Estimate

    /// The top eigenvalue of each parameter tensor's block (in layout order), by `steps` Lanczos steps from a
    /// Gaussian start restricted to the block, paired with the block traces of `traces`.
    /// Cost: (number of tensors)·steps products.
    public static func estimate<Scalar: BLASScalar>(
        layout: ParameterLayout, steps: Int, seed: UInt64, tolerance: Double = 1e-6, traces: HutchinsonTrace.Result,
        _ apply: (ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar>
    ) throws(CurvatureError) -> [BlockCurvature] {
        var generator = SeededGenerator(seed: seed)
        var blocks: [BlockCurvature] = []
        for (spec, trace) in zip(layout.parameterTensors, traces.blockTraces) {
            let start = restricted(HutchinsonTrace.gaussian(layout: layout, as: Scalar.self, using: &generator), spec)
            let result = try Lanczos.run(
                start: start, steps: Swift.min(steps, spec.count), topK: 1, tolerance: tolerance
            ) { (v: ParameterVector<Scalar>) throws(CurvatureError) in restricted(try apply(v), spec) }
            let top = result.pairs[0]
            blocks.append(
                BlockCurvature(
                    tensor: spec.name, parameterCount: spec.count, topEigenvalue: top.value, residual: top.residual,
                    lanczosSteps: result.steps, trace: trace.trace))
        }
        return blocks
    }

    /// v with every coordinate outside `spec` set to zero.
    static func restricted<Scalar: BLASScalar>(_ v: ParameterVector<Scalar>, _ spec: TensorSpec) -> ParameterVector<
        Scalar
    > {
        var out = v
        out.withUnsafeMutableBufferPointer { buffer in
            buffer[0..<spec.offset].update(repeating: 0)
            buffer[(spec.offset + spec.count)...].update(repeating: 0)
        }
        return out
    }
}
