import Dispatch
import OrbitFormats
import OrbitNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60 000 train and 10 000 test 28×28 grey-scale
/// images of clothing in 10 classes, as four IDX files.
///
/// Debian's `dataset-fashion-mnist` installs them (gzipped) in ``defaultDirectory``; any directory
/// with the same four MNIST-format files, raw or `.gz` (`train-images-idx3-ubyte[.gz]` or
/// `train-images.idx3-ubyte[.gz]`, and likewise `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
/// `t10k-labels-idx1-ubyte`), works too — so does MNIST itself.
///
/// The result has n×784 Float32 features (pixels / 255, then standardised: by default with the
/// scalar train mean ≈ 0.2860 and std ≈ 0.3530), samples of shape 1×28×28 (one channel, rows ×
/// columns from the IDX header), and `.classes(labels:classCount: 10)` targets. The
/// four files are decompressed concurrently; with the page cache warm, loading takes about the
/// time zlib needs for the 26 MB training images (~0.2 s).
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// The class names, by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    static let stems = [
        ["train-images-idx3-ubyte", "train-images.idx3-ubyte"],
        ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"],
        ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"],
        ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"],
    ]

    /// Whether the four files are present in `directory`.
    public static func isAvailable(in directory: String = defaultDirectory) -> Bool {
        (try? locateFiles(in: directory)) != nil
    }

    /// The paths of the four files (train images, train labels, test images, test labels).
    static func locateFiles(in directory: String) throws -> [String] {
        try stems.map { candidates in
            for stem in candidates {
                for suffix in ["", ".gz"] {
                    let path = directory + "/" + stem + suffix
                    if access(path, R_OK) == 0 { return path }
                }
            }
            throw DataError.fashionMNISTNotFound(directory: directory, missing: candidates[0])
        }
    }

    /// Loads Fashion-MNIST from `directory` (default: Debian's), keeping at most `limit` samples per
    /// split, and standardises it.
    public static func load(
        directory: String? = nil, limit: Int? = nil, standardization: Standardization = .scalar,
        limits: FormatLimits = .standard
    ) throws -> Dataset {
        let directory = directory ?? defaultDirectory
        let paths = try locateFiles(in: directory)
        let tensors = try readConcurrently(paths, limits: limits)
        let (trainImages, trainLabels) = try split(images: tensors[0], labels: tensors[1], paths: paths[0], paths[1])
        let (testImages, testLabels) = try split(images: tensors[2], labels: tensors[3], paths: paths[2], paths[3])
        guard tensors[0].shape.dropFirst() == tensors[2].shape.dropFirst() else {
            throw DataError.invalidData(
                source: directory,
                detail: "train images are \(SampleShape.text(Array(tensors[0].shape.dropFirst()))) but test images "
                    + SampleShape.text(Array(tensors[2].shape.dropFirst())))
        }
        // Grey-scale: one channel of rows × columns, as torchvision's ToTensor gives 1×28×28.
        let shape = [1] + tensors[0].shape.dropFirst()
        let trainFeatures = trainImages.prefix(limit)
        let testFeatures = testImages.prefix(limit)
        let prepared = FeaturePreprocessor.prepare(
            train: trainFeatures, test: testFeatures, standardization: standardization, sampleShape: shape)
        let train = DataSplit(
            features: prepared.train,
            targets: .classes(labels: Array(trainLabels.prefix(trainFeatures.rows)), classCount: 10),
            sampleShape: shape)
        let test = DataSplit(
            features: prepared.test!,
            targets: .classes(labels: Array(testLabels.prefix(testFeatures.rows)), classCount: 10),
            sampleShape: shape)
        var provenance = prepared.provenance
        provenance["source"] = "fashion-mnist"
        provenance["sample.shape"] = SampleShape.text(shape)
        provenance["directory"] = directory
        provenance["files"] = paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }.joined(separator: ", ")
        if let limit { provenance["limit"] = String(limit) }
        provenance["train.samples"] = String(train.count)
        provenance["test.samples"] = String(test.count)
        let name = directory == defaultDirectory ? "fashion-mnist" : "fashion-mnist:\(directory)"
        return Dataset(name: name, train: train, test: test, provenance: provenance)
    }

    /// Reads the IDX files in parallel (each is one zlib stream, so files are the unit of work).
    private static func readConcurrently(_ paths: [String], limits: FormatLimits) throws -> [RawTensor] {
        let results = UnsafeMutableBufferPointer<Result<RawTensor, Error>?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let slots = SendableMutablePointer(results.baseAddress!)
        let read: @Sendable (Int) -> Void = { i in
            slots.pointer[i] = Result { try IDXFile.read(paths[i], limits: limits) }
        }
        if Threading.threadCount > 1 {
            // Largest first, so the 47 MB training images start at once.
            DispatchQueue.concurrentPerform(iterations: paths.count) { read([0, 2, 1, 3][$0]) }
        } else {
            for i in paths.indices { read(i) }
        }
        return try results.map { try $0!.get() }
    }

    /// Checks an images/labels pair and returns the pixels and labels.
    private static func split(images: RawTensor, labels: RawTensor, paths imagePath: String, _ labelPath: String) throws
        -> (RawFeatures, [Int32])
    {
        guard images.dtype == .uint8, images.shape.count == 3 else {
            throw DataError.invalidData(
                source: imagePath, detail: "expected uint8 images n×rows×columns, found \(images.dtype) \(images.shape)"
            )
        }
        guard labels.dtype == .uint8, labels.shape.count == 1, labels.shape[0] == images.shape[0] else {
            throw DataError.invalidData(
                source: labelPath,
                detail: "expected \(images.shape[0]) uint8 labels, found \(labels.dtype) \(labels.shape)")
        }
        let values = try labels.elements(as: UInt8.self)
        if let bad = values.firstIndex(where: { $0 >= 10 }) {
            throw DataError.invalidData(source: labelPath, detail: "label \(values[bad]) at index \(bad) is not in 0…9")
        }
        let n = images.shape[0]
        return (.bytes(images.bytes, rows: n, columns: images.shape[1] * images.shape[2]), values.map { Int32($0) })
    }
}
