import OrbitNetworks
import OrbitNumerics

/// A Monte Carlo estimate with its standard error.
public struct Estimate: Hashable, Sendable, Codable {
    /// The sample mean.
    public var value: Double
    /// s/√P, the sample standard deviation over √(number of draws); 0 for a single draw would be a
    /// lie, so it is +∞ then.
    public var standardError: Double
    /// The number of draws P.
    public var draws: Int

    enum CodingKeys: String, CodingKey {
        case value, draws
        case standardError = "standard_error"
    }

    public init(draws values: [Double]) {
        let n = values.count
        draws = n
        value = n == 0 ? .nan : values.reduce(0, +) / Double(n)
        if n < 2 {
            standardError = .infinity
        } else {
            let mean = value
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
            standardError = (variance / Double(n)).squareRoot()
        }
    }
}

/// Hutchinson's estimator of tr H: E[zᵀ·H·z] = tr H for z with independent Rademacher (±1) entries
/// (docs/math/curvature.md §3). Its variance is 2·Σ_(i≠j) H_ij², so the standard error over P probes
/// is reported with the mean.
///
/// The same probes give every diagonal block's trace: E[z_Bᵀ·(H·z)_B] = tr H_BB for the coordinates B
/// of one tensor, since E[z_B·zᵀ] selects the block's rows. Cost: P products.
public enum HutchinsonTrace {
    /// The trace estimate and one estimate per parameter tensor of the layout (in layout order).
    public struct Result {
        public var trace: Estimate
        public var blockTraces: [(tensor: String, trace: Estimate)]
    }

    /// Runs `probes` Rademacher probes drawn from `seed`.
    public static func estimate<Scalar: BLASScalar>(
        layout: ParameterLayout, probes: Int, seed: UInt64,
        _ apply: (ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar>
    ) throws(CurvatureError) -> Result {
        guard probes >= 1 else { throw .invalid(reason: "Hutchinson needs at least one probe, got \(probes)") }
        var generator = SeededGenerator(seed: seed)
        var totals: [Double] = []
        let tensors = layout.parameterTensors
        var blocks = [[Double]](repeating: [], count: tensors.count)
        for _ in 0..<probes {
            let z = rademacher(layout: layout, as: Scalar.self, using: &generator)
            let hz = try apply(z)
            var total = 0.0
            z.withUnsafeBufferPointer { zb in
                hz.withUnsafeBufferPointer { hb in
                    for (b, spec) in tensors.enumerated() {
                        let s = Double(
                            dot(
                                UnsafeBufferPointer(rebasing: zb[spec.offset..<spec.offset + spec.count]),
                                UnsafeBufferPointer(rebasing: hb[spec.offset..<spec.offset + spec.count])))
                        blocks[b].append(s)
                        total += s
                    }
                }
            }
            totals.append(total)
        }
        return Result(
            trace: Estimate(draws: totals),
            blockTraces: zip(tensors, blocks).map { ($0.name, Estimate(draws: $1)) })
    }

    /// A vector of independent ±1 entries on the parameters, zero on the buffers (constants of the
    /// loss, outside the Hessian's domain).
    public static func rademacher<Scalar: BLASScalar>(
        layout: ParameterLayout, as _: Scalar.Type = Scalar.self, using generator: inout SeededGenerator
    ) -> ParameterVector<Scalar> {
        var z = ParameterVector<Scalar>(layout: layout)
        z.withUnsafeMutableBufferPointer { buffer in
            var bits: UInt64 = 0
            for i in 0..<layout.parameterCount {
                if i % 64 == 0 { bits = generator.next() }
                buffer[i] = (bits >> UInt64(i % 64)) & 1 == 0 ? 1 : -1
            }
        }
        return z
    }

    /// A vector of independent standard normal entries on the parameters, zero on the buffers.
    public static func gaussian<Scalar: BLASScalar>(
        layout: ParameterLayout, as _: Scalar.Type = Scalar.self, using generator: inout SeededGenerator
    ) -> ParameterVector<Scalar> {
        var z = ParameterVector<Scalar>(layout: layout)
        z.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<layout.parameterCount { buffer[i] = Scalar(generator.nextGaussian()) }
        }
        return z
    }
}

extension ParameterLayout {
    /// The trained tensors, the Hessian's coordinates (buffers are constants of the loss).
    var parameterTensors: [TensorSpec] { tensors.filter { $0.role == .parameter } }
}
