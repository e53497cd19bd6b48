import Foundation
import OrbitKit

/// Weight matching on a layer graph, timed against `benchmarks/reference/graph_alignment.py` (numpy +
/// scipy, the same algorithm on a spec it derives itself from the same rules).
///
/// `weight-matching/resnet20-w64`: Git Re-Basin weight matching of two `resnet20:w=64` networks
/// (BatchNorm, 1×28×28 inputs, 10 classes; 12 permutation groups: three residual streams of 64, 128
/// and 256 channels and nine block-inner spaces) with the spec derived from the graph, run to
/// convergence (cap 100 sweeps, group order from seed 0). Parameters: every parameter tensor, in
/// layout order and row-major, drawn U(−b, b) with b = 1/√(elements per row) from Orbit's generator
/// seeded 1 and 2 (so the reference draws the same two networks); running statistics stay at their
/// defaults (they move with their channels but do not enter the objective). The number of sweeps and
/// the final objective are printed to stderr once (the reference prints its own; they should agree).
/// Goal (benchmarks/run.py): Orbit ≤ 0.5 × the reference.
enum GraphMatchingWorkloads {
    static let description = "resnet20:w=64"

    /// The benchmark's parameters (see above): the same values `graph_alignment.py` draws.
    static func parameters(_ network: Network, seed: UInt64) -> ParameterVector<Float> {
        var g = SeededGenerator(seed: seed)
        var theta: ParameterVector<Float> = network.initialParameters(seed: 0)
        theta.withUnsafeMutableBufferPointer { p in
            for t in network.layout.tensors where t.role == .parameter {
                let perRow = t.count / Swift.max(1, t.shape.count > 1 ? t.shape[0] : t.count)
                let bound = 1 / Double(perRow).squareRoot()
                for i in t.offset..<(t.offset + t.count) { p[i] = Float(-bound + 2 * bound * g.nextUnitDouble()) }
            }
        }
        return theta
    }

    final class Once: @unchecked Sendable { var reported = false }

    static var all: [Workload] {
        [
            Workload(name: "weight-matching/resnet20-w64", flops: nil) {
                let network = try! Network(parsing: description)
                let spec = try! PermutationSpec(network: network)
                let a = parameters(network, seed: 1)
                let b = parameters(network, seed: 2)
                let once = Once()
                return {
                    let result = try! WeightMatching(seed: 0, maxSweeps: 100).match(a, b, spec: spec)
                    if !once.reported {
                        once.reported = true
                        FileHandle.standardError.write(
                            Data(
                                "weight-matching/resnet20-w64: \(spec.groups.count) groups, \(result.sweeps) sweeps, objective \(result.objective)\n"
                                    .utf8))
                    }
                }
            }
        ]
    }
}
