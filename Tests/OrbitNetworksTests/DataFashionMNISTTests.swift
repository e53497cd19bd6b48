import Foundation
import OrbitFormats
import OrbitNumerics
import Testing

@testable import OrbitData

@Suite("Data: Fashion-MNIST")
struct DataFashionMNISTTests {
    @Test(.enabled(if: FashionMNIST.isAvailable(), "dataset-fashion-mnist is not installed"))
    func loadsTheDebianPackageWithPyTorchStatistics() throws {
        let start = Date()
        let raw = try FashionMNIST.load(standardization: .none)
        let seconds = Date().timeIntervalSince(start)
        print("Fashion-MNIST load (no standardisation, debug build): \(String(format: "%.3f", seconds)) s")
        #expect(raw.train.features.rows == 60000 && raw.train.features.columns == 784)
        #expect(raw.test!.features.rows == 10000 && raw.test!.features.columns == 784)
        guard case .classes(let labels, let k) = raw.train.targets, case .classes(let testLabels, _) = raw.test!.targets
        else {
            Issue.record("expected class labels")
            return
        }
        #expect(k == 10)
        #expect(labels.allSatisfy { (0..<10).contains($0) } && testLabels.allSatisfy { (0..<10).contains($0) })
        #expect(Set(labels).count == 10 && labels.filter { $0 == 3 }.count == 6000)  // balanced classes
        // The scalar statistics of the [0, 1]-scaled train pixels (PyTorch's Normalize values).
        let (mean, std, low, high) = moments(raw.train.features)
        #expect(low == 0 && high == 1)
        #expect(abs(mean - 0.2860) < 5e-4, "mean \(mean)")
        #expect(abs(std - 0.3530) < 5e-4, "std \(std)")

        let standardized = try DatasetSpec(parsing: "fashion-mnist").load()
        #expect(abs(Double(standardized.provenance["standardization.mean"]!)! - mean) < 1e-6)
        let (m, s, _, _) = moments(standardized.train.features)
        #expect(abs(m) < 1e-5 && abs(s - 1) < 1e-5, "standardised mean \(m), std \(s)")
        // The test split uses the train statistics, so it is only close to 0 / 1.
        #expect(abs(moments(standardized.test!.features).mean) < 0.02)
        #expect(standardized.provenance["standardization"]!.hasPrefix("scalar, train split: mean 0.28604"))
    }

    @Test func missingDataSetSaysHowToInstallIt() {
        let dir = TemporaryDirectory()
        #expect(throws: DataError.fashionMNISTNotFound(directory: dir.path, missing: "train-images-idx3-ubyte")) {
            try FashionMNIST.load(directory: dir.path)
        }
        let message = DataError.fashionMNISTNotFound(directory: dir.path, missing: "train-images-idx3-ubyte")
            .description
        #expect(message.contains("apt-get install dataset-fashion-mnist"))
    }

    /// A 5-image MNIST-format directory (mixed raw and .gz files) loads with limits and modes.
    @Test func loadsAnyMNISTFormatDirectory() throws {
        let dir = TemporaryDirectory()
        let trainPixels = (0..<(5 * 4 * 4)).map { UInt8(($0 * 37) % 256) }
        _ = dir.write(idxBytes(type: 0x08, dims: [5, 4, 4], data: trainPixels), to: "train-images-idx3-ubyte")
        writeGzip(idxBytes(type: 0x08, dims: [5], data: [0, 1, 2, 9, 4]), to: dir.file("train-labels-idx1-ubyte.gz"))
        writeGzip(
            idxBytes(type: 0x08, dims: [2, 4, 4], data: [UInt8](repeating: 255, count: 32)),
            to: dir.file("t10k-images-idx3-ubyte.gz"))
        _ = dir.write(idxBytes(type: 0x08, dims: [2], data: [3, 3]), to: "t10k-labels-idx1-ubyte")

        let plain = try FashionMNIST.load(directory: dir.path, standardization: .none)
        #expect(plain.train.features.rows == 5 && plain.train.features.columns == 16)
        #expect(plain.train.features.flat == trainPixels.map { Float($0) / 255 })
        #expect(plain.train.targets == .classes(labels: [0, 1, 2, 9, 4], classCount: 10))
        #expect(plain.test!.features.flat.allSatisfy { $0 == 1 })
        #expect(plain.name == "fashion-mnist:\(dir.path)")

        let limited = try DatasetSpec(parsing: "fashion-mnist:\(dir.path)", limit: 3).load()
        #expect(limited.train.count == 3 && limited.test!.count == 2)
        #expect(limited.provenance["limit"] == "3")
        let x = limited.train.features
        #expect(abs(x.mean()) < 1e-6)  // statistics from the 3 kept images

        let perFeature = try FashionMNIST.load(directory: dir.path, standardization: .perFeature)
        let columns = perFeature.train.features.transposed().rowArrays
        for column in columns {
            let mean = column.reduce(0) { $0 + Double($1) } / 5
            #expect(abs(mean) < 1e-6)
        }
        let given = try FashionMNIST.load(directory: dir.path, standardization: .given(mean: 0.5, std: 0.25))
        #expect(given.test!.features.flat.allSatisfy { $0 == 2 })  // (1 − 0.5) / 0.25

        // A label outside 0…9 is reported with its file.
        writeGzip(idxBytes(type: 0x08, dims: [5], data: [0, 1, 2, 10, 4]), to: dir.file("train-labels-idx1-ubyte.gz"))
        let error = #expect(throws: DataError.self) { try FashionMNIST.load(directory: dir.path) }
        if case .invalidData(let source, let detail) = error {
            #expect(source.hasSuffix("train-labels-idx1-ubyte.gz") && detail.contains("label 10"))
        } else {
            Issue.record("bad label not reported: \(String(describing: error))")
        }
    }
}

/// Mean, population std, min and max in one pass (plain loop: fast enough in debug builds for
/// 47 M values).
private func moments(_ m: Matrix<Float>) -> (mean: Double, std: Double, min: Float, max: Float) {
    m.withUnsafeBufferPointer { buffer in
        let p = buffer.baseAddress!
        let n = buffer.count
        var sum = 0.0
        var squares = 0.0
        var low = Float.infinity
        var high = -Float.infinity
        var i = 0
        while i < n {
            let x = p[i]
            sum += Double(x)
            squares += Double(x) * Double(x)
            if x < low { low = x }
            if x > high { high = x }
            i &+= 1
        }
        let mean = sum / Double(n)
        return (mean, (squares / Double(n) - mean * mean).squareRoot(), low, high)
    }
}
