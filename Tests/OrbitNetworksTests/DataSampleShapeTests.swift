import OrbitFormats
import OrbitNumerics
import Testing

@testable import OrbitData

@Suite("Data: sample shapes and image layouts")
struct DataSampleShapeTests {
    /// Writes `x_train` (and `y_train`, labels 0, 1, 0, …) to `name` in `dir`, plus `x_test`/`y_test`
    /// when given.
    private func writeNPZ(
        _ dir: TemporaryDirectory, _ name: String, train: RawTensor, test: RawTensor? = nil
    ) throws -> String {
        let path = dir.file(name)
        func labels(_ x: RawTensor, _ key: String) throws -> RawTensor {
            try RawTensor(name: key, shape: [x.shape[0]], elements: (0..<x.shape[0]).map { Int64($0 % 2) })
        }
        var arrays = [train, try labels(train, "y_train")]
        if let test { arrays += [test, try labels(test, "y_test")] }
        try NPZFile(arrays: arrays).write(to: path)
        return path
    }

    @Test func channelAxisDetection() {
        #expect(ImageLayout.detected(in: [10, 1, 28, 28]) == .nchw)
        #expect(ImageLayout.detected(in: [10, 3, 32, 32]) == .nchw)
        #expect(ImageLayout.detected(in: [10, 28, 28, 1]) == .nhwc)
        #expect(ImageLayout.detected(in: [10, 32, 32, 3]) == .nhwc)
        #expect(ImageLayout.detected(in: [10, 32, 32, 4]) == .nhwc)
        #expect(ImageLayout.detected(in: [10, 3, 8, 3]) == .nchw)  // both qualify: axis 1 wins
        #expect(ImageLayout.detected(in: [10, 5, 6, 7]) == nil)
        #expect(ImageLayout.detected(in: [10, 2, 2, 2]) == nil)
    }

    @Test func npzNCHWIsKeptAsStored() throws {
        let dir = TemporaryDirectory()
        let values = (0..<(2 * 3 * 2 * 5)).map { Float($0) - 7 }
        let path = try writeNPZ(
            dir, "nchw.npz", train: try RawTensor(name: "x_train", shape: [2, 3, 2, 5], elements: values))
        let data = try NPZDataset.load(path: path, standardization: .none)
        #expect(data.sampleShape == [3, 2, 5])
        #expect(data.train.sampleShape == [3, 2, 5])
        #expect(data.train.features.rows == 2 && data.train.features.columns == 30)
        #expect(data.train.features.flat == values)
        #expect(data.provenance["layout"] == "N×C×H×W (detected), kept")
        #expect(data.provenance["sample.shape"] == "3×2×5")
        #expect(data.sampleDescription == "3×2×5")
    }

    /// NHWC arrays of 1-, 4- and 8-byte dtypes land in NCHW order: out[n][c·H·W + h·W + w] = in[n, h, w, c].
    @Test func npzNHWCIsTransposedToNCHWElementByElement() throws {
        let dir = TemporaryDirectory()
        let (n, h, w, c) = (3, 2, 5, 3)
        let count = n * h * w * c
        func index(_ s: Int, _ y: Int, _ x: Int, _ k: Int) -> Int { ((s * h + y) * w + x) * c + k }
        let arrays: [(String, RawTensor, (Int) -> Float)] = [
            (
                "uint8", try RawTensor(name: "x_train", shape: [n, h, w, c], elements: (0..<count).map { UInt8($0) }),
                { Float($0) / 255 }
            ),
            (
                "float32",
                try RawTensor(name: "x_train", shape: [n, h, w, c], elements: (0..<count).map { Float($0) * 0.5 }),
                { Float($0) * 0.5 }
            ),
            (
                "float64",
                try RawTensor(name: "x_train", shape: [n, h, w, c], elements: (0..<count).map { Double($0) - 40 }),
                { Float($0 - 40) }
            ),
        ]
        for (dtype, x, expected) in arrays {
            let path = try writeNPZ(dir, "\(dtype).npz", train: x)
            let data = try NPZDataset.load(path: path, standardization: .none)
            #expect(data.sampleShape == [c, h, w], "\(dtype)")
            #expect(data.provenance["layout"] == "N×H×W×C (detected), transposed to N×C×H×W")
            let features = data.train.features
            for s in 0..<n {
                for k in 0..<c {
                    for y in 0..<h {
                        for xx in 0..<w {
                            let got = features[s, (k * h + y) * w + xx]
                            let want = expected(index(s, y, xx, k))
                            #expect(got == want, "\(dtype) sample \(s) channel \(k) pixel (\(y), \(xx))")
                        }
                    }
                }
            }
        }
    }

    /// x_test is transposed like x_train, and `limit` keeps the first samples of the transposed data.
    @Test func npzNHWCTestSplitAndLimit() throws {
        let dir = TemporaryDirectory()
        let train = try RawTensor(name: "x_train", shape: [3, 2, 2, 1], elements: (0..<12).map { Float($0) })
        let test = try RawTensor(name: "x_test", shape: [2, 2, 2, 1], elements: (0..<8).map { Float(100 + $0) })
        let path = try writeNPZ(dir, "t.npz", train: train, test: test)
        let data = try DatasetSpec(parsing: "npz:\(path)", limit: 2, standardization: Standardization.none).load()
        #expect(data.train.sampleShape == [1, 2, 2] && data.test!.sampleShape == [1, 2, 2])
        #expect(data.train.features == Matrix<Float>([[0, 1, 2, 3], [4, 5, 6, 7]]))  // one channel: same order
        #expect(data.test!.features == Matrix<Float>([[100, 101, 102, 103], [104, 105, 106, 107]]))

        // Two channels need the layout: values interleaved in the file come out channel-major.
        let rgb = try RawTensor(name: "x_train", shape: [1, 2, 1, 2], elements: [Float(1), 10, 2, 20])
        let pathRGB = try writeNPZ(dir, "two.npz", train: rgb)
        let two = try DatasetSpec(parsing: "npz:\(pathRGB):layout=nhwc", standardization: Standardization.none).load()
        #expect(two.sampleShape == [2, 2, 1])
        #expect(two.train.features.flat == [1, 2, 10, 20])
        #expect(two.provenance["layout"] == "N×H×W×C (layout=nhwc given), transposed to N×C×H×W")
        let kept = try DatasetSpec(parsing: "npz:\(pathRGB):layout=nchw", standardization: Standardization.none).load()
        #expect(kept.sampleShape == [2, 1, 2])
        #expect(kept.train.features.flat == [1, 10, 2, 20])
    }

    /// The transposition reads file bytes at any alignment (an uncompressed .npz member starts anywhere).
    @Test func transpositionOfMisalignedBytes() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]  // 1×1×2×3: two pixels of three channels
        var bytes: [UInt8] = [0]
        values.withUnsafeBytes { bytes += $0 }
        let slice = ByteSlice(bytes)[1..<bytes.count]
        let tensor = try RawTensor(name: "x", dtype: .float32, shape: [1, 1, 2, 3], bytes: slice)
        let transposed = tensor.transposedFromNHWCToNCHW()
        #expect(transposed.shape == [1, 3, 1, 2])
        #expect(try transposed.elements(as: Float.self) == [1, 4, 2, 5, 3, 6])
    }

    @Test func npzGreyScaleAndFlatShapes() throws {
        let dir = TemporaryDirectory()
        let grey = try writeNPZ(
            dir, "g.npz", train: try RawTensor(name: "x_train", shape: [2, 3, 4], elements: (0..<24).map { Float($0) }))
        let greyData = try NPZDataset.load(path: grey, standardization: .none)
        #expect(greyData.sampleShape == [1, 3, 4])
        #expect(greyData.train.features.flat == (0..<24).map { Float($0) })
        #expect(greyData.provenance["layout"] == "N×H×W, read as N×1×H×W (one channel)")

        let flat = try writeNPZ(
            dir, "f.npz", train: RawTensor(name: "x_train", matrix: Matrix<Float>([[1, 2], [3, 4]])))
        let flatData = try NPZDataset.load(path: flat, standardization: .none)
        #expect(flatData.sampleShape == [2])
        #expect(flatData.sampleDescription == "2 features")
        #expect(flatData.provenance["layout"] == "flat")

        let csv = dir.write(Array("a,b,c,y\n1,2,3,0\n4,5,6,1\n".utf8), to: "d.csv")
        #expect(try DatasetSpec(parsing: "csv:\(csv)").load().sampleShape == [3])
    }

    @Test func ambiguousOrMisusedLayoutsAreRefused() throws {
        let dir = TemporaryDirectory()
        let path = try writeNPZ(
            dir, "a.npz",
            train: try RawTensor(name: "x_train", shape: [2, 5, 6, 7], elements: [Float](repeating: 0, count: 420)))
        let error = #expect(throws: DataError.self) { try DatasetSpec(parsing: "npz:\(path)").load() }
        let message = error?.description ?? ""
        for fragment in [path, "x_train", "2×5×6×7", "N×C×H×W or N×H×W×C", "npz:\(path):layout=nchw", "layout=nhwc"] {
            #expect(message.contains(fragment), "\(message)")
        }
        #expect(!message.contains("\n"))
        // The layout option resolves it either way.
        #expect(try DatasetSpec(parsing: "npz:\(path):layout=nchw").load().sampleShape == [5, 6, 7])
        #expect(try DatasetSpec(parsing: "npz:\(path):layout=nhwc").load().sampleShape == [7, 5, 6])

        // A layout for an array that is not 4-d, and an x_test of other samples, are errors.
        let flat = try writeNPZ(dir, "f.npz", train: RawTensor(name: "x_train", matrix: Matrix<Float>([[1, 2]])))
        let misused = #expect(throws: DataError.self) { try DatasetSpec(parsing: "npz:\(flat):layout=nhwc").load() }
        #expect(
            misused?.description.contains("layout=nhwc is for N×C×H×W or N×H×W×C arrays, but x_train is 1×2") == true)
        let mixed = try writeNPZ(
            dir, "m.npz",
            train: try RawTensor(name: "x_train", shape: [1, 4], elements: [Float](repeating: 0, count: 4)),
            test: try RawTensor(name: "x_test", shape: [1, 2, 2], elements: [Float](repeating: 0, count: 4)))
        let mismatch = #expect(throws: DataError.self) { try NPZDataset.load(path: mixed) }
        #expect(mismatch?.description.contains("x_train holds samples of shape 4 but x_test 2×2") == true)
    }

    @Test func npzLayoutSpecsRoundTripAndBadOnesAreNamed() throws {
        for text in ["npz:/tmp/d.npz:layout=nhwc", "npz:/tmp/d.npz:layout=nchw", "npz:C:/data/x=1.npz"] {
            let spec = try DatasetSpec(parsing: text)
            #expect(spec.description == text)
            #expect(try DatasetSpec(parsing: spec.description) == spec)
        }
        #expect(
            try DatasetSpec(parsing: "npz:/tmp/d.npz:layout=nhwc").source == .npz(path: "/tmp/d.npz", layout: .nhwc))
        #expect(try DatasetSpec(parsing: "npz:/tmp/d.npz").source == .npz(path: "/tmp/d.npz"))
        let cases: [(String, String)] = [
            ("npz:/x.npz:layout=hwc", "'layout=hwc': layout must be nchw or nhwc"),
            ("npz:/x.npz:channels=3", "'channels=3': unknown npz option 'channels' (options: layout)"),
            ("npz:/x.npz:layout=nchw:layout=nhwc", "'layout=nhwc': 'layout' is given twice"),
            ("npz::layout=nchw", "npz needs a file"),
        ]
        for (text, fragment) in cases {
            let error = #expect(throws: DataError.self) { try DatasetSpec(parsing: text) }
            let message = error?.description ?? ""
            #expect(message.hasPrefix("bad data set '\(text)'") && message.contains(fragment), "\(text) → \(message)")
        }
    }

    /// Fashion-MNIST (here a synthetic 28×28 MNIST-format directory) has samples of 1×28×28.
    @Test func fashionMNISTSamplesAreOneByTwentyEightByTwentyEight() throws {
        let dir = TemporaryDirectory()
        let pixels = (0..<(3 * 28 * 28)).map { UInt8($0 % 251) }
        _ = dir.write(idxBytes(type: 0x08, dims: [3, 28, 28], data: pixels), to: "train-images-idx3-ubyte")
        _ = dir.write(idxBytes(type: 0x08, dims: [3], data: [0, 5, 9]), to: "train-labels-idx1-ubyte")
        _ = dir.write(
            idxBytes(type: 0x08, dims: [2, 28, 28], data: Array(pixels.prefix(2 * 784))), to: "t10k-images-idx3-ubyte")
        _ = dir.write(idxBytes(type: 0x08, dims: [2], data: [1, 2]), to: "t10k-labels-idx1-ubyte")
        let data = try DatasetSpec(parsing: "fashion-mnist:\(dir.path)", limit: 2).load()
        #expect(data.sampleShape == [1, 28, 28])
        #expect(data.train.sampleShape == [1, 28, 28] && data.test!.sampleShape == [1, 28, 28])
        #expect(data.provenance["sample.shape"] == "1×28×28")
        #expect(data.provenance["standardization.scope"] == "all entries of the 1×28×28 samples")
        #expect(data.sampleDescription == "1×28×28")

        // Test images of another size are refused, naming both.
        _ = dir.write(
            idxBytes(type: 0x08, dims: [2, 14, 56], data: Array(pixels.prefix(2 * 784))), to: "t10k-images-idx3-ubyte")
        let error = #expect(throws: DataError.self) { try FashionMNIST.load(directory: dir.path) }
        #expect(error?.description.contains("train images are 28×28 but test images 14×56") == true)
    }

    @Test(.enabled(if: FashionMNIST.isAvailable(), "dataset-fashion-mnist is not installed"))
    func theInstalledFashionMNISTIsOneByTwentyEightByTwentyEight() throws {
        #expect(try DatasetSpec(parsing: "fashion-mnist", limit: 10).load().sampleShape == [1, 28, 28])
    }

    /// subset, prefix, limits, every standardisation, rebuilding a Dataset from its splits and
    /// synthetic data keep the sample shape.
    @Test func sampleShapeSurvivesEveryTransformation() throws {
        let dir = TemporaryDirectory()
        let values: [UInt8] = (0..<72).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 7) }
        let path = try writeNPZ(
            dir, "i.npz", train: try RawTensor(name: "x_train", shape: [6, 2, 2, 3], elements: values))
        let shape = [3, 2, 2]
        for mode in ["none", "scalar", "per-feature", "mean=0.5,std=0.25"] {
            let data = try DatasetSpec(
                parsing: "npz:\(path)", limit: 5, standardization: try Standardization.parse(mode)
            )
            .load()
            #expect(data.sampleShape == shape, "\(mode)")
            #expect(data.train.count == 5)
        }
        let perFeature = try DatasetSpec(parsing: "npz:\(path)", standardization: .perFeature).load()
        #expect(
            perFeature.provenance["standardization.scope"] == "each of the 3×2×2 entries (pixel and channel) separately"
        )
        let scalar = try DatasetSpec(parsing: "npz:\(path)").load()
        #expect(
            scalar.provenance["standardization.scope"]
                == "all entries of the 3×2×2 samples (one μ and σ for all channels)")

        let split = scalar.train
        #expect(split.subset([4, 0, 2]).sampleShape == shape)
        #expect(split.subset([4, 0, 2]).features.rowArrays == [4, 0, 2].map { split.features.rowArrays[$0] })
        #expect(split.prefix(2).sampleShape == shape)
        #expect(split.prefix(100).sampleShape == shape)
        let rebuilt = Dataset(name: scalar.name, train: split.prefix(3), test: split.subset([5]))
        #expect(rebuilt.sampleShape == shape && rebuilt.test!.sampleShape == shape)

        // Reshaping a data set reshapes both splits.
        var reshaped = rebuilt
        reshaped.sampleShape = [12]
        #expect(reshaped.train.sampleShape == [12] && reshaped.test!.sampleShape == [12])

        let synthetic = try DatasetSpec(parsing: "synthetic:regression:d=5,n=20,test=4", limit: 10).load()
        #expect(synthetic.sampleShape == [5] && synthetic.test!.sampleShape == [5])
        // A split built without a shape is flat.
        let plain = DataSplit(features: Matrix<Float>([[1, 2, 3]]), targets: .classes(labels: [0], classCount: 1))
        #expect(plain.sampleShape == [3])
    }

    @Test func networkInputShapesFitOrSayBothShapes() throws {
        let images = Dataset(
            name: "images",
            train: DataSplit(
                features: Matrix(rows: 2, columns: 784, flat: [Float](repeating: 0, count: 1568)),
                targets: .classes(labels: [0, 1], classCount: 2), sampleShape: [1, 28, 28]),
            test: nil)
        try images.requireSampleShape([1, 28, 28], for: "cnn")
        try images.requireSampleShape([784], for: "mlp:784-10")  // an MLP reads the flattened image

        let wrong = #expect(throws: DataError.self) {
            try images.requireSampleShape([3, 32, 32], for: "resnet20:w=16")
        }
        #expect(
            wrong?.description == "images: the data set's samples are 1×28×28 but resnet20:w=16 takes 3×32×32")
        #expect(
            wrong
                == .sampleShapeMismatch(
                    dataset: "images", samples: [1, 28, 28], model: "resnet20:w=16", input: [3, 32, 32]))
        let tooWide = #expect(throws: DataError.self) { try images.requireSampleShape([785], for: "mlp:785-10") }
        #expect(
            tooWide?.description == "images: the data set's samples are 1×28×28 but mlp:785-10 takes 785 flat features")
        let transposed = #expect(throws: DataError.self) { try images.requireSampleShape([28, 28, 1]) }
        #expect(transposed?.description == "images: the data set's samples are 1×28×28 but the network takes 28×28×1")

        // Flat data does not fit an image input, even with the right number of values; the message says how to fix it.
        var flat = images
        flat.sampleShape = [784]
        try flat.requireSampleShape([784], for: "mlp")
        let error = #expect(throws: DataError.self) { try flat.requireSampleShape([1, 28, 28], for: "cnn") }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("images: the data set's samples are 784 flat features but cnn takes 1×28×28; "))
        #expect(message.contains("x_train is N×1×28×28"))

        #expect(SampleShape.fits([3, 32, 32], input: [3072]))
        #expect(!SampleShape.fits([3072], input: [3, 32, 32]))
        #expect(SampleShape.text([3, 32, 32]) == "3×32×32" && SampleShape.text([10]) == "10")
    }
}
