import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitData
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitPaths
@testable import OrbitTraining

/// The one evaluation layer: the accuracy rule, the part-parallel reduction, and the agreement of the
/// network evaluator with the fused path evaluator.
@Suite struct EvaluationLayerTests {
    /// y = (Σ_j x_j, x_0 − x_1) + noise on 10 features: a 2-column regression split.
    static func regression(n: Int, seed: UInt64) -> DataSplit {
        var g = SeededGenerator(seed: seed)
        let x = Matrix<Float>.normal(rows: n, columns: 10, generator: &g)
        var y = Matrix<Float>(rows: n, columns: 2)
        for i in 0..<n {
            var sum: Float = 0
            for j in 0..<10 { sum += x[i, j] }
            y[i, 0] = sum + 0.1 * Float(g.nextGaussian())
            y[i, 1] = x[i, 0] - x[i, 1]
        }
        return DataSplit(features: x, targets: .values(y))
    }

    static let classification = Dataset(
        name: "blobs", train: TrainingTests.blobs(n: 700, seed: 11), test: TrainingTests.blobs(n: 300, seed: 12))
    static let regressionData = Dataset(
        name: "sums", train: regression(n: 700, seed: 13), test: regression(n: 300, seed: 14))

    /// At t = 0 and t = 1 of a line the fused path evaluator (first layer as 1·X·W_Aᵀ + 0·X·W_Bᵀ) gives
    /// exactly the network evaluator's metrics at A and B: the same loss bits and the same accuracy,
    /// present for class labels (cross-entropy or squared error against one-hot targets) and absent for
    /// real-valued targets. 700 rows make more than one part on a multi-core machine, so the part
    /// reduction is shared too.
    @Test(arguments: [
        ("mlp:10-16-8-3:relu", "classification", LossFunction?.none),
        ("mlp:10-16-8-3:relu", "classification", LossFunction.meanSquaredError),
        ("mlp:10-16-8-3:tanh:nobias", "classification", nil),
        ("mlp:10-16-8-2:relu", "regression", nil),
        ("mlp:10-12-2:gelu", "regression", LossFunction.meanSquaredError),
    ])
    func pathEndsEqualTheNetworkEvaluator(_ description: String, _ data: String, _ loss: LossFunction?) throws {
        let network = try Network(parsing: description)
        let dataset = data == "classification" ? Self.classification : Self.regressionData
        let classes = dataset.train.targets.reportsAccuracy
        #expect(classes == (data == "classification"))
        func check<Scalar: BLASScalar>(_: Scalar.Type) throws {
            let a: ParameterVector<Scalar> = network.initialParameters(seed: 21)
            let b: ParameterVector<Scalar> = network.initialParameters(seed: 22)
            let evaluator = PathEvaluator(network: network, batchSize: 128, loss: loss)
            let profile = try evaluator.profile(AffinePath.line(a, b), on: dataset, t: [0, 0.5, 1], name: "A-B")
            for (name, split) in dataset.splits {
                let measured = profile.splits[name]!
                for (point, index) in [(a, 0), (b, 2)] {
                    let direct = network.evaluate(point, on: split, loss: loss, batchSize: 128)
                    let fused = measured[index]
                    #expect(
                        fused.loss.bitPattern == direct.loss.bitPattern,
                        "\(description) \(name) t=\(index / 2): \(fused.loss) vs \(direct.loss)")
                    #expect(fused.accuracy == direct.accuracy)
                    #expect((fused.accuracy != nil) == classes && (direct.accuracy != nil) == classes)
                }
                #expect((measured[1].accuracy != nil) == classes)
            }
        }
        try check(Float.self)
        try check(Double.self)
        if Threading.threadCount > 1 { #expect(EvaluationParts.count(rows: dataset.train.count) > 1) }
    }

    /// The rule in one place: accuracy for class labels whatever the loss, none for values; the means
    /// divide by n (by 1 for an empty pass, so nothing is NaN).
    @Test func metricsFromSumsFollowTheAccuracyRule() {
        var sums = MetricSums()
        sums.add(BatchLoss(lossSum: 3, correct: 2))
        sums.add(BatchLoss(lossSum: 1.5, correct: nil))
        sums.add(MetricSums(loss: 0.5, correct: 1))
        #expect(sums == MetricSums(loss: 5, correct: 3))
        let classes = Targets.classes(labels: [0, 1, 2, 0], classCount: 3)
        let values = Targets.values(Matrix<Float>(rows: 4, columns: 1))
        #expect(SplitMetrics(sums, count: 4, targets: classes) == SplitMetrics(loss: 1.25, accuracy: 0.75))
        #expect(SplitMetrics(sums, count: 4, targets: values) == SplitMetrics(loss: 1.25, accuracy: nil))
        #expect(SplitMetrics(MetricSums(), count: 0, targets: classes) == SplitMetrics(loss: 0, accuracy: 0))
        #expect(classes.reportsAccuracy && !values.reportsAccuracy)
        #expect(classes.defaultLoss == .softmaxCrossEntropy && values.defaultLoss == .meanSquaredError)
        // Squared error against one-hot labels still reports accuracy; real-valued targets never do.
        let network = try! Network(parsing: "mlp:10-8-3:relu")
        let theta: ParameterVector<Double> = network.initialParameters(seed: 3)
        let split = TrainingTests.blobs(n: 50, seed: 5)
        #expect(network.evaluate(theta, on: split, loss: .meanSquaredError).accuracy != nil)
        #expect(network.evaluate(theta, on: split).accuracy != nil)
        let regression = try! Network(parsing: "mlp:10-8-2:relu")
        let phi: ParameterVector<Double> = regression.initialParameters(seed: 3)
        #expect(regression.evaluate(phi, on: Self.regression(n: 50, seed: 6)).accuracy == nil)
        // The case where the two evaluators used to disagree: real-valued targets with a cross-entropy
        // loss (reachable only on an empty split, which the network evaluator gave accuracy 0).
        let empty = DataSplit(
            features: Matrix<Float>(rows: 0, columns: 10), targets: .values(Matrix<Float>(rows: 0, columns: 2)))
        let none = SplitMetrics(loss: 0, accuracy: nil)
        #expect(regression.evaluate(phi, on: empty, loss: .softmaxCrossEntropy) == none)
        let line = PathEvaluator(network: regression, loss: .softmaxCrossEntropy).metrics(
            controlPoints: [phi, phi], coefficients: [[1, 0], [0, 1]], on: empty)
        #expect(line == [none, none])
    }

    /// The reduction covers every row exactly once, in contiguous parts, and adds the parts in order:
    /// Σ_i i over 0..<n (exact in Double) and one "correct" per row, at two points.
    @Test(arguments: [0, 1, 255, 256, 1000, 4099])
    func partsCoverEveryRowOnce(_ n: Int) {
        let sums = EvaluationParts.sums(rows: n, points: 2) { rows, sums in
            for i in rows {
                sums[0].add(BatchLoss(lossSum: Double(i), correct: 1))
                sums[1].add(BatchLoss(lossSum: 2 * Double(i), correct: nil))
            }
        }
        let expected = Double(n * (n - 1) / 2)
        #expect(sums == [MetricSums(loss: expected, correct: n), MetricSums(loss: 2 * expected, correct: 0)])
        #expect(EvaluationParts.count(rows: n) >= 1 && EvaluationParts.count(rows: n) <= max(1, n / 256))
    }
}

@Suite struct DataFitTests {
    /// A data set fits a network when its features match the inputs and its labels (classes ≤ outputs)
    /// or value columns (= outputs) can be scored; each misfit names the model, data set, split and sizes.
    @Test func misfitsAreNamedWithBothSizes() throws {
        let blobs = EvaluationLayerTests.classification
        try Network(parsing: "mlp:10-8-3:relu").requireFits(blobs, model: "m.safetensors")
        try Network(parsing: "mlp:10-8-5:relu").requireFits(blobs)
        #expect(
            throws: DataFitError.featureCount(
                model: "m.safetensors", inputs: 12, dataset: "blobs", split: "train", features: 10)
        ) {
            try Network(parsing: "mlp:12-8-3:relu").requireFits(blobs, model: "m.safetensors")
        }
        #expect(
            throws: DataFitError.classCount(
                model: "the network", outputs: 2, dataset: "blobs", split: "train", classes: 3)
        ) {
            try Network(parsing: "mlp:10-8-2:relu").requireFits(blobs)
        }
        let sums = EvaluationLayerTests.regressionData
        try Network(parsing: "mlp:10-8-2:relu").requireFits(sums)
        #expect(
            throws: DataFitError.targetColumns(model: "r.npz", outputs: 3, dataset: "sums", split: "train", columns: 2)
        ) {
            try Network(parsing: "mlp:10-8-3:relu").requireFits(sums, model: "r.npz")
        }
        // The test split is checked too.
        let mixed = Dataset(
            name: "mixed", train: blobs.train,
            test: DataSplit(
                features: blobs.test!.features,
                targets: .classes(labels: [Int32](repeating: 0, count: 300), classCount: 4)))
        #expect(
            throws: DataFitError.classCount(
                model: "the network", outputs: 3, dataset: "mixed", split: "test", classes: 4)
        ) {
            try Network(parsing: "mlp:10-8-3:relu").requireFits(mixed)
        }
        let message = DataFitError.featureCount(
            model: "m.safetensors", inputs: 12, dataset: "blobs", split: "train", features: 10
        ).description
        #expect(
            message.contains("m.safetensors") && message.contains("12") && message.contains("10")
                && message.contains("blobs"))
    }
}

@Suite struct ModelLayoutTests {
    /// Two models of one architecture pass (whatever their precision); otherwise the error names both
    /// files, the first tensor that differs and its shape in each, and a missing or extra tensor.
    @Test func layoutMismatchNamesBothFilesAndShapes() throws {
        let a: Model<Float> = try CheckpointTests.model("mlp:10-16-3:relu", seed: 1, as: Float.self)
        let b: Model<Double> = try CheckpointTests.model("mlp:10-16-3:relu", seed: 2, as: Double.self)
        try b.requireSameLayout(as: a, file: "b.npz", referenceFile: "a.safetensors")
        let wider: Model<Float> = try CheckpointTests.model("mlp:10-17-3:relu", seed: 3, as: Float.self)
        let expected = CheckpointError.layoutMismatch(
            file: "w.safetensors", reference: "a.safetensors", tensor: "layers.0.weight",
            expected: "layers.0.weight [16, 10]", found: "layers.0.weight [17, 10]")
        #expect(throws: expected) {
            try wider.requireSameLayout(as: a, file: "w.safetensors", referenceFile: "a.safetensors")
        }
        #expect(
            expected.description
                == "w.safetensors does not match a.safetensors at tensor 'layers.0.weight': a.safetensors has layers.0.weight [16, 10], w.safetensors has layers.0.weight [17, 10]"
        )
        let deeper: Model<Float> = try CheckpointTests.model("mlp:10-16-16-3:relu", seed: 4, as: Float.self)
        #expect(throws: CheckpointError.self) { try deeper.requireSameLayout(as: a, file: "d", referenceFile: "a") }
        let noBias: Model<Float> = try CheckpointTests.model("mlp:10-16-3:relu:nobias", seed: 5, as: Float.self)
        #expect(
            throws: CheckpointError.layoutMismatch(
                file: "n", reference: "a", tensor: "layers.0.bias", expected: "layers.0.bias [16]",
                found: "layers.2.weight [3, 16]")
        ) { try noBias.requireSameLayout(as: a, file: "n", referenceFile: "a") }
        do {
            try a.requireSameLayout(as: deeper, file: "a", referenceFile: "the feet")
            Issue.record("a shallower model passed")
        } catch {
            // The first difference: deeper's second layer is 16 × 16 where a's is 3 × 16.
            #expect("\(error)".contains("the feet has layers.2.weight [16, 16], a has layers.2.weight [3, 16]"))
        }
    }
}

@Suite struct PathErrorTests {
    /// A plane needs three points in general position; the errors name the points.
    @Test func degeneratePlanesAreRefusedByName() throws {
        let network = try Network(parsing: "mlp:4-3-2:relu")
        let a: ParameterVector<Double> = network.initialParameters(seed: 1)
        let b: ParameterVector<Double> = network.initialParameters(seed: 2)
        #expect(throws: PathError.coincidentPoints(first: "m1", second: "m2")) {
            try PlaneBasis(a, a, b, names: ["m1", "m2", "m3"])
        }
        do {
            _ = try PlaneBasis(a, b, ParameterVector.lerp(a, b, 2), names: ["m1", "m2", "m3"])
            Issue.record("collinear points spanned a plane")
        } catch let error as PathError {
            guard case .collinearPoints(let names, let height, let extent) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(names == ["m1", "m2", "m3"] && height <= 1e-9 * extent && extent > 0)
            #expect(error.description.contains("m1, m2, m3 are collinear"))
        }
        #expect(PathError.unsupportedCurveKind("line").description.contains("not line"))
    }
}

/// The commands call the shared checks: a data set that does not fit the model is refused with the
/// model's file and both sizes (`plane` crashed on one before), and mismatched models name both files.
@Suite struct CommandCheckTests {
    @Test(.enabled(if: CommandLineTests.binary != nil)) func commandsRefuseMisfitsByName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-checks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = "synthetic:random-labels:d=8,k=3,n=100,test=20,seed=2"
        for (seed, arch) in [
            ("1", "mlp:8-6-3:relu"), ("2", "mlp:8-6-3:relu"), ("3", "mlp:8-6-3:relu"), ("4", "mlp:8-7-3:relu"),
        ] {
            let r = try CommandLineTests.orbit(
                [
                    "train", "--arch", arch, "--data", data, "--epochs", "1", "--seed", seed, "--quiet", "--out",
                    "m\(seed).safetensors",
                ],
                in: dir)
            #expect(r.status == 0, "\(r.error)")
        }
        let wrongFeatures = "synthetic:random-labels:d=9,k=3,n=100,seed=2"
        let eval = try CommandLineTests.orbit(["eval", "m1.safetensors", "--data", wrongFeatures], in: dir)
        #expect(
            eval.status != 0 && eval.error.contains("m1.safetensors takes 8 inputs")
                && eval.error.contains("9 features"), "\(eval.error)")
        let plane = try CommandLineTests.orbit(
            ["plane", "m1.safetensors", "m2.safetensors", "m3.safetensors", "--data", wrongFeatures, "--out", "p"],
            in: dir)
        #expect(
            plane.status != 0 && plane.error.contains("9 features") && !plane.error.contains("Fatal error"),
            "\(plane.error)")
        let tooManyClasses = "synthetic:random-labels:d=8,k=5,n=100,seed=2"
        let path = try CommandLineTests.orbit(
            ["path", "m1.safetensors", "m2.safetensors", "--data", tooManyClasses, "--out", "x"], in: dir)
        #expect(
            path.status != 0 && path.error.contains("5 classes") && path.error.contains("3 outputs"), "\(path.error)")
        let mismatch = try CommandLineTests.orbit(
            ["plane", "m1.safetensors", "m2.safetensors", "m4.safetensors", "--data", data, "--out", "p"], in: dir)
        #expect(
            mismatch.status != 0 && mismatch.error.contains("m4.safetensors does not match m1.safetensors")
                && mismatch.error.contains("[7, 8]") && mismatch.error.contains("[6, 8]"), "\(mismatch.error)")
    }
}
