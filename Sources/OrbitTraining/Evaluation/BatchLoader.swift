import OrbitData
import OrbitNetworks
import OrbitNumerics

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
