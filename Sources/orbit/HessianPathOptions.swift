import ArgumentParser
import Foundation
import OrbitKit

/// `--hessian top,trace` and its sizes, for the commands that report along paths (`orbit path`,
/// `orbit symmetry curve`): the Hessian's top eigenvalue and trace at each t beside the loss.
struct HessianPathOptions: ParsableArguments {
    @Option(
        help: "Curvature at each t beside the loss: top (Hessian λ_max by Lanczos), trace (Hutchinson), or top,trace.")
    var hessian: String?
    @Option(name: .customLong("hessian-samples"), help: "Training samples (the first N) for --hessian.")
    var hessianSamples = 1024
    @Option(name: .customLong("hessian-steps"), help: "Lanczos steps for λ_max with --hessian.") var hessianSteps = 20
    @Option(name: .customLong("hessian-probes"), help: "Hutchinson probes with --hessian.") var hessianProbes = 16

    func validate() throws { _ = try settings() }

    /// The curvature `--hessian` asks for, nil without it.
    func settings() throws -> PathCurvatureSettings? {
        guard let hessian else { return nil }
        let parts = hessian.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 == "top" || $0 == "trace" }) else {
            throw ValidationError("--hessian takes top, trace or top,trace; got '\(hessian)'")
        }
        guard hessianSamples >= 1, hessianSteps >= 1, hessianProbes >= 2 else {
            throw ValidationError("--hessian-samples and --hessian-steps must be ≥ 1, --hessian-probes ≥ 2")
        }
        return PathCurvatureSettings(
            topEigenvalue: parts.contains("top"), trace: parts.contains("trace"), steps: hessianSteps,
            probes: hessianProbes)
    }

    /// Throws, in one line naming the node, when `--hessian` is given for a network with a node whose
    /// kind has no exact Hessian-vector product (every kind of the layer graph has one today).
    func requireSupported(by network: Network, command: String) throws {
        guard try settings() != nil, !network.isDenseChain else { return }
        do { _ = try GraphHessianVectorWorkspace<Float>(network: network, capacity: 1) } catch {
            throw ValidationError("\(command) --hessian: \(error.description)")
        }
    }

    /// Measures the curvature along each named path (nothing without `--hessian`), timing each on stderr.
    /// A BatchNorm network's Hessian is taken in evaluation mode at the point whose running statistics
    /// `batchNorm` sets, as the path's profile does: with `.reset`, recomputed on the train split in
    /// batches of `statisticsBatchSize` at every t.
    func measure<Scalar: BLASScalar>(
        _ paths: [(name: String, point: (Double) throws -> ParameterVector<Scalar>)], t: [Double], network: Network,
        dataset: Dataset, loss: LossFunction, batchNorm: BatchNormHandling = .interpolate,
        statisticsBatchSize: Int = 1000
    ) throws -> [PathCurvatureRecord] {
        guard let settings = try settings() else { return [] }
        let samples = try dataset.train.curvatureSamples(count: hessianSamples, seed: nil)
        if let note = HessianOperator<Scalar>.batchNormHandling(network) {
            FileHandle.standardError.write(Data("curvature: \(note); \(batchNorm.reportDescription)\n".utf8))
        }
        return try paths.map { name, point in
            let start = Date()
            let record = try PathCurvatureRecord.measure(
                name: name, t: t, network: network, samples: samples,
                sampleSelection: "the first \(samples.count) training samples", loss: loss, settings: settings,
                batchNorm: batchNorm, statistics: dataset.train, statisticsBatchSize: statisticsBatchSize, point: point)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
            FileHandle.standardError.write(Data("\(name): curvature at \(t.count) points in \(seconds) s\n".utf8))
            return record
        }
    }
}
