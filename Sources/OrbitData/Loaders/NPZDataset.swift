import OrbitFormats
import OrbitNumerics

/// A data set stored as a NumPy `.npz` archive (`np.savez` or `np.savez_compressed`) with arrays
///
/// | key | shape | dtype |
/// |---|---|---|
/// | `x_train` | n × d, n × H × W, n × C × H × W or n × H × W × C | float16/32/64 (used as is) or uint8 (divided by 255) |
/// | `y_train` | n | any integer dtype → class labels 0..<k |
/// |           | n or n × k | float16/32/64 → regression targets |
/// | `x_test`, `y_test` | as above | optional (both or neither) |
/// | `class_count` | scalar integer | optional; k (default: largest label + 1) |
///
/// For example `np.savez("d.npz", x_train=X.astype(np.float32), y_train=y, x_test=Xt, y_test=yt)`.
///
/// The sample shape (``DataSplit/sampleShape``) follows the rank of `x_train`: n × d gives `[d]`;
/// n × H × W gives `[1, H, W]`; a rank-4 array is n × C × H × W (kept) or n × H × W × C (transposed
/// to NCHW rows, as PyTorch orders them), both giving `[C, H, W]`. The channel axis is the one of
/// size 1, 3 or 4 (axis 1 when both qualify); when neither does, `layout` must say which
/// (``ImageLayout``; `npz:FILE:layout=nhwc` on the command line). Higher ranks are flattened to
/// `[d]`. `x_test` must have the samples of `x_train`'s shape. The provenance records the layout.
public enum NPZDataset {
    public static func load(
        path: String, layout: ImageLayout? = nil, limit: Int? = nil, standardization: Standardization = .scalar,
        limits: FormatLimits = .standard
    ) throws -> Dataset {
        let archive = try NPZFile.read(
            path, only: ["x_train", "y_train", "x_test", "y_test", "class_count"], limits: limits)
        let xTrain = try archive.array("x_train", file: path)
        let yTrain = try archive.array("y_train", file: path)
        let xTest = archive["x_test"]
        let yTest = archive["y_test"]
        guard (xTest == nil) == (yTest == nil) else {
            throw DataError.invalidData(source: path, detail: "x_test and y_test must both be present or both absent")
        }
        if let xTest, xTest.shape.dropFirst() != xTrain.shape.dropFirst() {
            throw DataError.invalidData(
                source: path,
                detail: "x_train holds samples of shape \(SampleShape.text(Array(xTrain.shape.dropFirst()))) but "
                    + "x_test \(SampleShape.text(Array(xTest.shape.dropFirst())))")
        }
        let trainImages = try images(xTrain.prefixAlongFirstAxis(limit), layout: layout, path: path)
        let trainFeatures = trainImages.features
        let testFeatures = try xTest.map { try images($0.prefixAlongFirstAxis(limit), layout: layout, path: path) }?
            .features
        var classCount: Int?
        if let k = archive["class_count"] {
            guard k.dtype.isInteger, k.elementCount == 1, let value = try k.int64s().first, value > 0,
                value <= Int32.max
            else {
                throw DataError.invalidData(
                    source: path, detail: "class_count must be one positive integer, found \(k.dtype) \(k.shape)")
            }
            classCount = Int(value)
        }
        let targets = try TargetsReader.targets(
            train: yTrain, test: yTest, trainCount: xTrain.shape.first ?? 1, testCount: xTest?.shape.first,
            classCount: classCount,
            source: path)
        let shape = trainImages.sampleShape
        let prepared = FeaturePreprocessor.prepare(
            train: trainFeatures, test: testFeatures, standardization: standardization, sampleShape: shape)
        let train = DataSplit(
            features: prepared.train, targets: targets.train.prefix(trainFeatures.rows), sampleShape: shape)
        let test = prepared.test.map {
            DataSplit(features: $0, targets: targets.test!.prefix($0.rows), sampleShape: shape)
        }
        var provenance = prepared.provenance
        provenance["source"] = "npz"
        provenance["path"] = path
        provenance["features.dtype"] = xTrain.dtype.rawValue
        provenance["layout"] = trainImages.layout
        provenance["sample.shape"] = SampleShape.text(shape)
        provenance["targets"] = targets.kind
        if let limit { provenance["limit"] = String(limit) }
        provenance["train.samples"] = String(train.count)
        if let test { provenance["test.samples"] = String(test.count) }
        return Dataset(name: "npz:\(path)", train: train, test: test, provenance: provenance)
    }

    /// Features in NCHW row order, the sample shape, and how the layout was read (for provenance).
    private struct Images {
        var features: RawFeatures
        var sampleShape: [Int]
        var layout: String
    }

    /// `x`'s samples as rows, each in NCHW order for rank 4 (see the type's documentation).
    private static func images(_ x: RawTensor, layout: ImageLayout?, path: String) throws -> Images {
        guard x.dtype == .uint8 || x.dtype.isFloatingPoint else {
            throw DataError.invalidData(
                source: path, detail: "\(x.name) has dtype \(x.dtype); expected float32, float64 or uint8")
        }
        let shape = x.shape
        guard shape.count >= 1 else { throw DataError.invalidData(source: path, detail: "\(x.name) is a scalar") }
        let shapeText = SampleShape.text(shape)
        if let layout, shape.count != 4 {
            throw DataError.invalidData(
                source: path,
                detail: "layout=\(layout.rawValue) is for N×C×H×W or N×H×W×C arrays, but \(x.name) is \(shapeText)")
        }
        switch shape.count {
        case 1:
            return Images(features: RawFeatures(x), sampleShape: [1], layout: "flat (one value per sample)")
        case 2:
            return Images(features: RawFeatures(x), sampleShape: [shape[1]], layout: "flat")
        case 3:
            return Images(
                features: RawFeatures(x), sampleShape: [1, shape[1], shape[2]],
                layout: "N×H×W, read as N×1×H×W (one channel)")
        case 4:
            let given = layout != nil
            guard let layout = layout ?? ImageLayout.detected(in: shape) else {
                throw DataError.invalidData(
                    source: path,
                    detail: "\(x.name) has shape \(shapeText): neither axis 1 nor axis 3 has 1, 3 or 4 channels, so it "
                        + "could be N×C×H×W or N×H×W×C; say which with npz:\(path):layout=nchw or "
                        + "npz:\(path):layout=nhwc")
            }
            let source = given ? "layout=\(layout.rawValue) given" : "detected"
            switch layout {
            case .nchw:
                return Images(
                    features: RawFeatures(x), sampleShape: [shape[1], shape[2], shape[3]],
                    layout: "N×C×H×W (\(source)), kept")
            case .nhwc:
                return Images(
                    features: RawFeatures(x.transposedFromNHWCToNCHW()), sampleShape: [shape[3], shape[1], shape[2]],
                    layout: "N×H×W×C (\(source)), transposed to N×C×H×W")
            }
        default:
            let d = shape.dropFirst().reduce(1, *)
            return Images(
                features: RawFeatures(x), sampleShape: [d], layout: "\(shapeText), trailing axes flattened")
        }
    }
}

/// Turning label/target tensors into ``Targets``: integer dtypes are class labels, floating-point
/// dtypes regression values.
enum TargetsReader {
    struct Pair {
        var train: Targets
        var test: Targets?
        /// "classes:K" or "values:K" for provenance.
        var kind: String
    }

    static func targets(
        train: RawTensor, test: RawTensor?, trainCount: Int, testCount: Int?, classCount: Int?, source: String
    ) throws -> Pair {
        for (t, n) in [(train, trainCount)] + (test.map { [($0, testCount ?? 0)] } ?? []) {
            guard t.shape.first == n, t.shape.count == 1 || t.shape.count == 2 else {
                throw DataError.invalidData(
                    source: source,
                    detail: "\(t.name) has shape \(t.shape); expected \(n) or \(n)×k to match the features")
            }
        }
        if train.dtype.isInteger || train.dtype == .bool {
            guard test.map({ $0.dtype.isInteger || $0.dtype == .bool }) ?? true else {
                throw DataError.invalidData(
                    source: source, detail: "y_train holds integer labels but y_test is \(test!.dtype)")
            }
            for t in [train] + (test.map { [$0] } ?? []) where t.shape.count == 2 && t.shape[1] != 1 {
                throw DataError.invalidData(
                    source: source, detail: "\(t.name) has shape \(t.shape); class labels must be n or n×1")
            }
            let trainLabels = try t32(train, source: source)
            let testLabels = try test.map { try t32($0, source: source) }
            let largest = max(trainLabels.max() ?? 0, testLabels?.max() ?? 0)
            let k = classCount ?? Int(largest) + 1
            guard Int(largest) < k else {
                throw DataError.invalidData(source: source, detail: "label \(largest) is not below class_count \(k)")
            }
            return Pair(
                train: .classes(labels: trainLabels, classCount: k),
                test: testLabels.map { .classes(labels: $0, classCount: k) }, kind: "classes:\(k)")
        }
        let trainValues = train.matrix(Float.self)
        let testValues = test.map { $0.matrix(Float.self) }
        if let testValues, testValues.columns != trainValues.columns {
            throw DataError.invalidData(
                source: source,
                detail: "y_train has \(trainValues.columns) targets per sample but y_test \(testValues.columns)")
        }
        return Pair(
            train: .values(trainValues), test: testValues.map { .values($0) }, kind: "values:\(trainValues.columns)")
    }

    private static func t32(_ t: RawTensor, source: String) throws -> [Int32] {
        try t.int64s().enumerated().map { i, v in
            guard v >= 0, v < Int64(Int32.max) else {
                throw DataError.invalidData(
                    source: source, detail: "\(t.name)[\(i)] = \(v) is not a class label (0…2³¹−2)")
            }
            return Int32(v)
        }
    }
}

extension Targets {
    /// The first `n` targets (all if fewer).
    func prefix(_ n: Int) -> Targets {
        n >= count ? self : gathered(Array(0..<n))
    }
}
