import OrbitNumerics

/// What a network is trained to predict for each sample.
public enum Targets: Sendable, Equatable {
    /// Class labels in `0..<classCount` (softmax cross-entropy, accuracy).
    case classes(labels: [Int32], classCount: Int)
    /// Real-valued targets, one row per sample (mean squared error).
    case values(Matrix<Float>)

    /// The number of samples.
    public var count: Int {
        switch self {
        case .classes(let labels, _): return labels.count
        case .values(let m): return m.rows
        }
    }

    /// The targets of the samples at `indices`, in that order.
    public func gathered(_ indices: [Int]) -> Targets {
        switch self {
        case .classes(let labels, let k): return .classes(labels: indices.map { labels[$0] }, classCount: k)
        case .values(let m): return .values(m.gatheringRows(indices))
        }
    }
}

/// One split of a data set: features (one row per sample, Float32) and their targets.
///
/// Each row is one sample's tensor of shape ``sampleShape`` flattened in row-major order — for
/// images PyTorch's NCHW order without the batch axis, C·H·W values, channel-major.
public struct DataSplit: Sendable, Equatable {
    public var features: Matrix<Float>
    public var targets: Targets
    /// The shape of one sample, outermost axis first: `[C, H, W]` for images, `[d]` for flat data.
    /// Its product is ``featureCount``.
    public var sampleShape: [Int]

    /// A split whose samples have `sampleShape` (default: flat, `[features.columns]`).
    public init(features: Matrix<Float>, targets: Targets, sampleShape: [Int]? = nil) {
        precondition(features.rows == targets.count, "\(features.rows) feature rows but \(targets.count) targets")
        let shape = sampleShape ?? [features.columns]
        precondition(
            !shape.isEmpty && shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == features.columns,
            "sample shape \(shape) does not hold \(features.columns) features")
        self.features = features
        self.targets = targets
        self.sampleShape = shape
    }

    public var count: Int { features.rows }
    public var featureCount: Int { features.columns }

    /// The samples at `indices`, in that order (a copy, of the same sample shape).
    public func subset(_ indices: [Int]) -> DataSplit {
        DataSplit(
            features: features.gatheringRows(indices), targets: targets.gathered(indices), sampleShape: sampleShape)
    }

    /// The first `n` samples (or all, if fewer).
    public func prefix(_ n: Int) -> DataSplit { subset(Array(0..<Swift.min(n, count))) }
}

/// A data set held in memory with named splits, as Orbit evaluates and trains on it.
public struct Dataset: Sendable {
    /// A name a user can pass back on the command line (`fashion-mnist`, `npz:FILE`, `synthetic:…`).
    public var name: String
    public var train: DataSplit
    public var test: DataSplit?
    /// Where the data came from and how it was preprocessed, for reports.
    public var provenance: [String: String]

    /// A data set of `train` and `test`, which must have the same sample shape.
    public init(name: String, train: DataSplit, test: DataSplit?, provenance: [String: String] = [:]) {
        if let test {
            precondition(
                test.sampleShape == train.sampleShape,
                "train samples are \(train.sampleShape) but test samples \(test.sampleShape)")
        }
        self.name = name
        self.train = train
        self.test = test
        self.provenance = provenance
    }

    /// The shape of one sample (both splits share it): `[C, H, W]` for images, `[d]` for flat data.
    /// Setting it reshapes both splits, so the product must stay the feature count.
    public var sampleShape: [Int] {
        get { train.sampleShape }
        set {
            precondition(
                newValue.reduce(1, *) == train.featureCount,
                "sample shape \(newValue) does not hold \(train.featureCount) features")
            train.sampleShape = newValue
            test?.sampleShape = newValue
        }
    }

    /// The named splits that exist, train first.
    public var splits: [(name: String, split: DataSplit)] {
        [("train", train)] + (test.map { [("test", $0)] } ?? [])
    }
}

extension Matrix {
    /// The rows at `indices`, in that order (a copy).
    public func gatheringRows(_ indices: [Int]) -> Matrix {
        withView { source in
            Matrix(rows: indices.count, columns: columns) { out in
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < rows, "row \(i) out of \(rows)")
                    (out.baseAddress! + r * columns).update(from: source.row(i).baseAddress!, count: columns)
                }
            }
        }
    }
}
