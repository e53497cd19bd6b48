import Foundation
import OrbitKit

/// The data the benchmarks run on.
enum BenchmarkData {
    /// Fashion-MNIST (standardised, as `orbit train` sees it) when Debian's package is installed,
    /// else random features and labels of the same shape (the same arithmetic).
    static func fashionMNISTOrRandom() -> Dataset {
        if FashionMNIST.isAvailable(), let dataset = try? DatasetSpec(parsing: "fashion-mnist").load() {
            return dataset
        }
        return random()
    }

    /// The images at most `ORBIT_BENCH_SAMPLES` per split (benchmarks/run.py --samples passes the
    /// same limit to the references), with their 1×28×28 shape.
    static func images() -> Dataset {
        let limit = ProcessInfo.processInfo.environment["ORBIT_BENCH_SAMPLES"].flatMap(Int.init)
        var data = fashionMNISTOrRandom()
        if let limit {
            data = Dataset(
                name: data.name, train: data.train.prefix(limit), test: data.test.map { $0.prefix(limit) },
                provenance: data.provenance)
        }
        data.sampleShape = [1, 28, 28]
        return data
    }

    static func random() -> Dataset {
        var g = SeededGenerator(seed: 0)
        let x = Matrix<Float>.normal(rows: 60000, columns: 784, generator: &g)
        let y = (0..<60000).map { _ in Int32(g.next() % 10) }
        let xt = Matrix<Float>.normal(rows: 10000, columns: 784, generator: &g)
        let yt = (0..<10000).map { _ in Int32(g.next() % 10) }
        return Dataset(
            name: "random-60000x784", train: DataSplit(features: x, targets: .classes(labels: y, classCount: 10)),
            test: DataSplit(features: xt, targets: .classes(labels: yt, classCount: 10)))
    }
}
