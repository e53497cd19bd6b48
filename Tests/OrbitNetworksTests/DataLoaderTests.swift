import OrbitFormats
import OrbitNumerics
import Testing

@testable import OrbitData

@Suite("Data: NPZ and CSV data sets, preprocessing")
struct DataLoaderTests {
    @Test func npzClassificationWithUInt8Features() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("d.npz")
        try NPZFile(arrays: [
            try RawTensor(name: "x_train", shape: [4, 2, 2], elements: (0..<16).map { UInt8($0 * 17) }),
            try RawTensor(name: "y_train", shape: [4], elements: [Int64(0), 2, 1, 2]),
            try RawTensor(name: "x_test", shape: [1, 2, 2], elements: [UInt8](repeating: 255, count: 4)),
            try RawTensor(name: "y_test", shape: [1], elements: [Int64(4)]),
        ]).write(to: path)
        let raw = try DatasetSpec(parsing: "npz:\(path)", standardization: Standardization.none).load()
        #expect(raw.train.features.columns == 4)
        #expect(raw.train.features.flat == (0..<16).map { Float($0 * 17) / 255 })
        #expect(raw.train.targets == .classes(labels: [0, 2, 1, 2], classCount: 5))  // k from the largest label
        #expect(raw.test!.targets == .classes(labels: [4], classCount: 5))
        #expect(raw.provenance["scaling"] == "uint8 / 255")

        let standardized = try DatasetSpec(parsing: "npz:\(path)", limit: 2).load()
        #expect(standardized.train.count == 2)
        let x = standardized.train.features
        #expect(abs(x.mean()) < 1e-6 && abs(x.sumOfSquares() / Double(x.count) - 1) < 1e-5)
    }

    @Test func npzRegressionAndErrors() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("r.npz")
        try NPZFile(arrays: [
            RawTensor(name: "x_train", matrix: Matrix<Double>([[1, 2], [3, 4], [5, 6]])),
            try RawTensor(name: "y_train", shape: [3], elements: [Float(0.5), 1.5, -2]),
        ]).write(to: path)
        let data = try NPZDataset.load(path: path, standardization: .none)
        #expect(data.test == nil)
        #expect(data.train.features == Matrix<Float>([[1, 2], [3, 4], [5, 6]]))
        #expect(data.train.targets == .values(Matrix(rows: 3, columns: 1, flat: [0.5, 1.5, -2])))

        let missing = dir.file("m.npz")
        try NPZFile(arrays: [RawTensor(name: "x_train", matrix: Matrix<Float>([[1]]))]).write(to: missing)
        let error = #expect(throws: FormatError.self) { try NPZDataset.load(path: missing) }
        #expect(error?.reason == .missing(available: ["x_train"]))

        let negative = dir.file("n.npz")
        try NPZFile(arrays: [
            RawTensor(name: "x_train", matrix: Matrix<Float>([[1], [2]])),
            try RawTensor(name: "y_train", shape: [2], elements: [Int32(0), -1]),
        ]).write(to: negative)
        #expect(throws: DataError.self) { try NPZDataset.load(path: negative) }
        let mismatched = dir.file("k.npz")
        try NPZFile(arrays: [
            RawTensor(name: "x_train", matrix: Matrix<Float>([[1], [2]])),
            try RawTensor(name: "y_train", shape: [3], elements: [Int32(0), 1, 1]),
        ]).write(to: mismatched)
        #expect(throws: DataError.self) { try NPZDataset.load(path: mismatched) }
    }

    @Test func csvClassificationAndRegression() throws {
        let dir = TemporaryDirectory()
        let train = dir.write(Array("a,b,species\n1,10,0\n2,20,1\n3,30,2\n4,40,1\n".utf8), to: "train.csv")
        let test = dir.write(Array("a,b,species\n5,50,0\n".utf8), to: "test.csv")
        let data = try DatasetSpec(
            parsing: "csv:\(train):label=species:test=\(test)", standardization: Standardization.none
        ).load()
        #expect(data.train.features == Matrix<Float>([[1, 10], [2, 20], [3, 30], [4, 40]]))
        #expect(data.train.targets == .classes(labels: [0, 1, 2, 1], classCount: 3))
        #expect(data.test!.targets == .classes(labels: [0], classCount: 3))
        #expect(data.provenance["task"] == "classification (auto)")

        let regression = try DatasetSpec(parsing: "csv:\(train):label=0:task=regression").load()
        #expect(regression.train.targets == .values(Matrix(rows: 4, columns: 1, flat: [1, 2, 3, 4])))
        #expect(regression.train.features.columns == 2)
        let x = regression.train.features
        #expect(abs(x.mean()) < 1e-6)  // scalar standardisation by default

        let huge = dir.write(Array("a,y\n1,1e300\n2,inf\n".utf8), to: "huge.csv")
        #expect(try CSVDataset.load(path: huge).provenance["task"] == "regression (auto)")
        let bad = dir.write(Array("a,b\n1,2\n3,x\n".utf8), to: "bad.csv")
        let error = #expect(throws: FormatError.self) { try DatasetSpec(parsing: "csv:\(bad)").load() }
        #expect(error?.reason == .notANumber(line: 3, column: 2, cell: "x"))
    }

    @Test func standardizationModesOnFloatFeatures() {
        let x = Matrix<Float>([[0, 10], [2, 10], [4, 10]])
        let scalar = FeaturePreprocessor.prepare(train: .floats(x), test: .floats(x), standardization: .scalar)
        #expect(abs(scalar.statistics.mean[0] - 6) < 1e-12)
        #expect(abs(scalar.train.mean()) < 1e-6)
        #expect(scalar.test == scalar.train)
        let perFeature = FeaturePreprocessor.prepare(train: .floats(x), test: nil, standardization: .perFeature)
        #expect(perFeature.statistics.mean == [2, 10])
        #expect(perFeature.statistics.std[1] == 1)  // a constant feature keeps σ = 1 …
        #expect(perFeature.train.transposed().rowArrays[1] == [0, 0, 0])  // … and becomes 0
        #expect(abs(perFeature.statistics.std[0] - (8.0 / 3).squareRoot()) < 1e-12)
        let none = FeaturePreprocessor.prepare(train: .floats(x), test: nil, standardization: .none)
        #expect(none.train == x && none.provenance["standardization"] == "none")
        // uint8 scalar statistics equal the float path on the scaled values.
        let bytes: [UInt8] = [0, 51, 102, 255, 255, 0]
        let fromBytes = FeaturePreprocessor.scalarStatistics(.bytes(ByteSlice(bytes), rows: 3, columns: 2))
        let fromFloats = FeaturePreprocessor.scalarStatistics(
            .floats(Matrix(rows: 3, columns: 2, flat: bytes.map { Float($0) / 255 })))
        #expect(abs(fromBytes.mean[0] - fromFloats.mean[0]) < 1e-7 && abs(fromBytes.std[0] - fromFloats.std[0]) < 1e-7)
        let perByte = FeaturePreprocessor.perFeatureStatistics(.bytes(ByteSlice(bytes), rows: 3, columns: 2))
        let perFloat = FeaturePreprocessor.perFeatureStatistics(
            .floats(Matrix(rows: 3, columns: 2, flat: bytes.map { Float($0) / 255 })))
        for j in 0..<2 {
            #expect(abs(perByte.mean[j] - perFloat.mean[j]) < 1e-7 && abs(perByte.std[j] - perFloat.std[j]) < 1e-7)
        }
    }

    @Test func syntheticSpecsLoadWithLimitAndOptionalStandardization() throws {
        let data = try DatasetSpec(parsing: "synthetic:teacher-student:d=5,M=2,n=100,test=50,seed=1", limit: 30).load()
        #expect(data.train.count == 30 && data.test!.count == 30)
        #expect(data.provenance["standardization"] == "none")
        #expect(data.name == "synthetic:teacher-student:d=5,M=2,n=100,test=50,seed=1")
        let scaled = try DatasetSpec(
            parsing: "synthetic:random-labels:d=3,k=2,n=200,test=0,seed=1", standardization: .scalar
        ).load()
        #expect(abs(scaled.train.features.mean()) < 1e-6 && scaled.test == nil)
    }
}
