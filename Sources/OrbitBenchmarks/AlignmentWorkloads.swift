import Foundation
import OrbitKit

/// Alignment workloads, timed against `benchmarks/reference/alignment.py` (numpy + scipy).
///
/// `weight-matching/mlp-784-512-512-512-10`: Git Re-Basin weight matching of two independently
/// initialised 784-512-512-512-10 ReLU MLPs with biases (PyTorch's default init, seeds 1 and 2 — the
/// reference draws the same parameters from the same generator), run to convergence with a cap of 100
/// sweeps, group order from seed 0. Float32 GEMM products, Float64 costs, LAPJV assignments. The number
/// of sweeps is printed to stderr once (the reference prints its own; they should agree).
/// Goal (benchmarks/run.py): Orbit ≤ 0.5 × the reference.
enum AlignmentWorkloads {
    static let description = "mlp:784-512-512-512-10:relu"

    final class Once: @unchecked Sendable { var reported = false }

    static var all: [Workload] {
        [
            Workload(name: "weight-matching/mlp-784-512-512-512-10", flops: nil) {
                let network = try! Network(parsing: description)
                let spec = try! PermutationSpec(network: network)
                let a: ParameterVector<Float> = network.initialParameters(seed: 1)
                let b: ParameterVector<Float> = network.initialParameters(seed: 2)
                let once = Once()
                return {
                    let result = try! WeightMatching(seed: 0, maxSweeps: 100).match(a, b, spec: spec)
                    if !once.reported {
                        once.reported = true
                        FileHandle.standardError.write(
                            Data("weight-matching/mlp-784-512-512-512-10: \(result.sweeps) sweeps\n".utf8))
                    }
                }
            }
        ]
    }
}
