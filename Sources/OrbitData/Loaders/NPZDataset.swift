import OrbitFormats
import OrbitNumerics

/// A data set stored as a NumPy `.npz` archive (`np.savez` or `np.savez_compressed`) with arrays
///
/// | key | shape | dtype |
/// |---|---|---|
/// | `x_train` | n × … (trailing axes are flattened) | float32, float64 (used as is) or uint8 (divided by 255) |
/// | `y_train` | n | any integer dtype → class labels 0..<k |
/// |           | n or n × k | float16/32/64 → regression targets |
/// | `x_test`, `y_test` | as above | optional (both or neither) |
/// | `class_count` | scalar integer | optional; k (default: largest label + 1) |
///
/// For example `np.savez("d.npz", x_train=X.astype(np.float32), y_train=y, x_test=Xt, y_test=yt)`.
public enum NPZDataset {
    public static func load(
        path: String, limit: Int? = nil, standardization: Standardization = .scalar, limits: FormatLimits = .standard
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
        let trainFeatures = try features(xTrain, path: path).prefix(limit)
        let testFeatures = try xTest.map { try features($0, path: path).prefix(limit) }
        if let testFeatures, testFeatures.columns != trainFeatures.columns {
            throw DataError.invalidData(
                source: path,
                detail: "x_train has \(trainFeatures.columns) features per sample but x_test \(testFeatures.columns)")
        }
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
        let prepared = FeaturePreprocessor.prepare(
            train: trainFeatures, test: testFeatures, standardization: standardization)
        let train = DataSplit(features: prepared.train, targets: targets.train.prefix(trainFeatures.rows))
        let test = prepared.test.map { DataSplit(features: $0, targets: targets.test!.prefix($0.rows)) }
        var provenance = prepared.provenance
        provenance["source"] = "npz"
        provenance["path"] = path
        provenance["features.dtype"] = xTrain.dtype.rawValue
        provenance["targets"] = targets.kind
        if let limit { provenance["limit"] = String(limit) }
        provenance["train.samples"] = String(train.count)
        if let test { provenance["test.samples"] = String(test.count) }
        return Dataset(name: "npz:\(path)", train: train, test: test, provenance: provenance)
    }

    private static func features(_ x: RawTensor, path: String) throws -> RawFeatures {
        guard x.dtype == .uint8 || x.dtype.isFloatingPoint else {
            throw DataError.invalidData(
                source: path, detail: "\(x.name) has dtype \(x.dtype); expected float32, float64 or uint8")
        }
        guard x.shape.count >= 1 else { throw DataError.invalidData(source: path, detail: "\(x.name) is a scalar") }
        return RawFeatures(x)
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
