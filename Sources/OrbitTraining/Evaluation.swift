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
    /// Mean loss and accuracy of f(·; θ) on `split`, streamed in batches of `batchSize`.
    /// Cost: one forward pass over the split (2·n·Σ in·out flops).
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func evaluate<Scalar: BLASScalar>(
        _ parameters: ParameterVector<Scalar>, on split: DataSplit, loss: LossFunction? = nil, batchSize: Int = 1000
    ) -> SplitMetrics {
        let lossFunction = loss ?? split.targets.defaultLoss
        let capacity = Swift.min(batchSize, Swift.max(split.count, 1))
        let workspace = NetworkWorkspace<Scalar>(network: self, capacity: capacity)
        let loader = BatchLoader<Scalar>(split: split, capacity: capacity)
        var total = 0.0
        var correct = 0
        var start = 0
        while start < split.count {
            let end = Swift.min(start + capacity, split.count)
            loader.load(start..<end)
            workspace.forward(parameters, inputs: loader.inputs)
            let batch = loader.withTargets { workspace.loss(lossFunction, targets: $0, gradient: false) }
            total += batch.lossSum
            correct += batch.correct ?? 0
            start = end
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
}
