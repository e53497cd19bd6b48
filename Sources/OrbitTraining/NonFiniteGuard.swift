import OrbitNetworks
import OrbitNumerics

/// A minibatch gradient that holds NaN or ±∞: training stops before the update, so θ and the
/// checkpoint on disk stay those of the last good step.
public struct NonFiniteGradientError: Error, Equatable, Sendable, CustomStringConvertible {
    public var epoch: Int
    /// The step within the epoch, from 1.
    public var step: Int
    /// The first tensor of ∂L/∂θ holding a non-finite value, and the flat index inside it.
    public var tensor: String
    public var index: Int

    public init(epoch: Int, step: Int, tensor: String, index: Int) {
        self.epoch = epoch
        self.step = step
        self.tensor = tensor
        self.index = index
    }

    public var description: String {
        "training stopped: the gradient became non-finite (NaN or ±∞) in \(tensor)[\(index)] at epoch \(epoch), step \(step) (try a smaller learning rate; the last checkpoint is kept)"
    }
}

/// The check the optimisation loop (``ResumableOptimization``: training, curve fitting, centre
/// finding) runs on each minibatch gradient before it updates anything.
public enum NonFiniteGuard {
    /// Whether every entry of `vector` is finite: Σ x·0 is 0 unless some x is NaN or ±∞ (then NaN).
    /// One branch-free pass that vectorises, O(|θ|), against the optimiser's own O(|θ|) step.
    /// Whether every entry is finite: one pass over the bit patterns (an entry is NaN or ±∞ exactly
    /// when its exponent bits are all ones). Integer OR-reductions vectorise, unlike a floating-point
    /// sum, and the pass is split across cores, so the guard costs a fraction of one optimiser pass.
    public static func isFinite<Scalar: BLASScalar>(_ vector: ParameterVector<Scalar>) -> Bool {
        vector.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return true }
            let raw = UncheckedSendable(UnsafeRawPointer(base))
            let precision = Precision(Scalar.self)
            let chunks = Threading.threadCount
            let flags = UnsafeMutablePointer<Bool>.allocate(capacity: chunks)
            defer { flags.deallocate() }
            flags.initialize(repeating: true, count: chunks)
            let out = UncheckedSendable(flags)
            let count = buffer.count
            parallelChunks(count: count, parallelThreshold: 1 << 20) { chunk, range in
                let ok: Bool
                switch precision {
                case .float:
                    ok = allExponentsFinite(
                        raw.value.assumingMemoryBound(to: UInt32.self) + range.lowerBound, range.count,
                        mask: UInt32(0x7F80_0000))
                case .double:
                    ok = allExponentsFinite(
                        raw.value.assumingMemoryBound(to: UInt64.self) + range.lowerBound, range.count,
                        mask: UInt64(0x7FF0_0000_0000_0000))
                case .other:
                    ok = (range).allSatisfy { raw.value.assumingMemoryBound(to: Scalar.self)[$0].isFinite }
                }
                if !ok { out.value[min(chunk, chunks - 1)] = false }
            }
            return (0..<chunks).allSatisfy { flags[$0] }
        }
    }

    @inline(__always)
    static func allExponentsFinite<Bits: FixedWidthInteger & UnsignedInteger>(
        _ p: UnsafePointer<Bits>, _ n: Int, mask: Bits
    ) -> Bool {
        var bad: Bits = 0
        for i in 0..<n { bad |= (p[i] & mask) == mask ? 1 : 0 }
        return bad == 0
    }

    @inlinable
    public static func check<Scalar: BLASScalar>(_ parts: [ParameterVector<Scalar>], epoch: Int, step: Int) throws {
        for part in parts where !isFinite(part) {
            let (tensor, index) = part.firstNonFinite() ?? ("θ", 0)
            throw NonFiniteGradientError(epoch: epoch, step: step, tensor: tensor, index: index)
        }
    }

    /// The guard of a training step, given what the optimiser's update reported
    /// (``OptimizerState/step(_:gradients:learningRate:gradientScale:)`` returns whether every updated
    /// parameter is finite). Only when it is not are the gradients searched, to name the tensor and
    /// index; an update that overflowed from a finite gradient names the parameter instead. The run
    /// then stops before any checkpoint is written, so the last one on disk is good.
    public static func afterStep<Scalar: BLASScalar>(
        _ allFinite: Bool, gradients: [ParameterVector<Scalar>], parameters: ParameterVector<Scalar>, epoch: Int,
        step: Int
    ) throws {
        guard !allFinite else { return }
        try check(gradients, epoch: epoch, step: step)
        let (tensor, index) = parameters.firstNonFinite() ?? ("θ", 0)
        throw NonFiniteGradientError(epoch: epoch, step: step, tensor: tensor, index: index)
    }
}
