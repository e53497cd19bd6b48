import Dispatch
import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// Mean loss and accuracy of a network on one split.
public struct SplitMetrics: Hashable, Sendable, Codable {
    /// (1/n)·Σ_i ℓ_i over the split.
    public var loss: Double
    /// The fraction of correct argmax predictions (nil for real-valued targets).
    public var accuracy: Double?

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

extension Targets {
    /// The loss Orbit uses for these targets unless told otherwise: cross-entropy for classes,
    /// squared error for values.
    public var defaultLoss: LossFunction {
        switch self {
        case .classes: return .softmaxCrossEntropy
        case .values: return .meanSquaredError
        }
    }
}

/// Copies minibatches out of a split into preallocated buffers (converting Float32 features to the
/// network's precision): the only per-step data movement of training and evaluation.
public final class BatchLoader<Scalar: BLASScalar> {
    let split: DataSplit
    let features: AlignedBuffer<Scalar>
    var labels: [Int32]
    let values: AlignedBuffer<Scalar>
    let targetColumns: Int
    public private(set) var count = 0

    public init(split: DataSplit, capacity: Int) {
        self.split = split
        features = AlignedBuffer(repeating: 0, count: capacity * split.featureCount)
        switch split.targets {
        case .classes:
            labels = Array(repeating: 0, count: capacity)
            targetColumns = 0
        case .values(let v):
            labels = []
            targetColumns = v.columns
        }
        values = AlignedBuffer(repeating: 0, count: capacity * targetColumns)
    }

    /// Loads the samples `indices` (in that order).
    public func load<C: Collection>(_ indices: C) where C.Element == Int {
        let d = split.featureCount
        count = indices.count
        split.features.withUnsafeBufferPointer { source in
            for (r, i) in indices.enumerated() {
                let src = source.baseAddress! + i * d, dst = features.baseAddress + r * d
                if Scalar.self == Float.self {
                    UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: d * MemoryLayout<Float>.stride)
                } else {
                    for j in 0..<d { dst[j] = Scalar(src[j]) }
                }
            }
        }
        switch split.targets {
        case .classes(let all, _):
            for (r, i) in indices.enumerated() { labels[r] = all[i] }
        case .values(let all):
            let k = targetColumns
            all.withUnsafeBufferPointer { source in
                for (r, i) in indices.enumerated() {
                    for j in 0..<k { values.baseAddress[r * k + j] = Scalar(source[i * k + j]) }
                }
            }
        }
    }

    public var inputs: MatrixView<Scalar> {
        MatrixView(baseAddress: features.baseAddress, rows: count, columns: split.featureCount)
    }

    /// The targets of the loaded rows `rows` (all by default).
    public func withTargets<R>(rows: Range<Int>, _ body: (TargetBatch<Scalar>) -> R) -> R {
        switch split.targets {
        case .classes:
            return labels.withUnsafeBufferPointer { body(.classes(UnsafeBufferPointer(rebasing: $0[rows]))) }
        case .values:
            return body(
                .values(
                    MatrixView(
                        baseAddress: values.baseAddress + rows.lowerBound * targetColumns, rows: rows.count,
                        columns: targetColumns)))
        }
    }

    public func withTargets<R>(_ body: (TargetBatch<Scalar>) -> R) -> R {
        switch split.targets {
        case .classes:
            return labels.withUnsafeBufferPointer { body(.classes(UnsafeBufferPointer(rebasing: $0[0..<count]))) }
        case .values:
            return body(.values(MatrixView(baseAddress: values.baseAddress, rows: count, columns: targetColumns)))
        }
    }
}

extension Network {
    /// Mean loss and accuracy of f(·; θ) on `split`, streamed in batches of `batchSize`. The rows are
    /// cut into one contiguous part per core (``EvaluationParts``), each streamed by its own
    /// forward-only workspace with single-threaded BLAS; the parts' sums are added in order, so the
    /// result is deterministic for a given thread count. Cost: one forward pass over the split
    /// (2·n·Σ in·out flops).
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func evaluate<Scalar: BLASScalar>(
        _ parameters: ParameterVector<Scalar>, on split: DataSplit, loss: LossFunction? = nil, batchSize: Int = 1000
    ) -> SplitMetrics {
        let lossFunction = loss ?? split.targets.defaultLoss
        let parts = EvaluationParts.count(rows: split.count)
        let sums = UnsafeMutableBufferPointer<(loss: Double, correct: Int)>.allocate(capacity: parts)
        defer { sums.deallocate() }
        let shared = UncheckedSendable((self, sums, parameters))
        Threading.withSingleThreadedBLAS(when: parts > 1) {
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let (network, sums, parameters) = shared.value
                let rows = chunkRange(p, of: parts, count: split.count)
                sums[p] = network.sums(parameters, on: split, rows: rows, loss: lossFunction, batchSize: batchSize)
            }
        }
        var total = 0.0
        var correct = 0
        for p in 0..<parts {
            total += sums[p].loss
            correct += sums[p].correct
        }
        let n = Double(Swift.max(split.count, 1))
        let hasAccuracy: Bool
        if case .classes = split.targets {
            hasAccuracy = true
        } else {
            hasAccuracy = lossFunction == .softmaxCrossEntropy
        }
        return SplitMetrics(loss: total / n, accuracy: hasAccuracy ? Double(correct) / n : nil)
    }

    /// Σ ℓ and the number of correct predictions over `rows` of the split, in batches.
    func sums<Scalar: BLASScalar>(
        _ parameters: ParameterVector<Scalar>, on split: DataSplit, rows: Range<Int>, loss: LossFunction,
        batchSize: Int
    ) -> (loss: Double, correct: Int) {
        guard !rows.isEmpty else { return (0, 0) }
        let capacity = Swift.min(Swift.max(batchSize, 1), rows.count)
        let workspace = NetworkWorkspace<Scalar>(network: self, capacity: capacity, inference: true)
        let loader = BatchLoader<Scalar>(split: split, capacity: capacity)
        var total = 0.0
        var correct = 0
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = Swift.min(start + capacity, rows.upperBound)
            loader.load(start..<end)
            workspace.forward(parameters, inputs: loader.inputs)
            let batch = loader.withTargets { workspace.loss(loss, targets: $0, gradient: false) }
            total += batch.lossSum
            correct += batch.correct ?? 0
            start = end
        }
        return (total, correct)
    }
}

/// How many contiguous parts an evaluation pass over n rows is cut into: one per thread, unless the
/// parts would be thinner than 256 rows or `ORBIT_NO_BATCH_SPLIT` is set (for A/B timing).
public enum EvaluationParts {
    public static func count(rows: Int) -> Int {
        let threads = Threading.threadCount
        guard threads > 1, ProcessInfo.processInfo.environment["ORBIT_NO_BATCH_SPLIT"] == nil else { return 1 }
        return Swift.max(1, Swift.min(threads, rows / 256))
    }
}
