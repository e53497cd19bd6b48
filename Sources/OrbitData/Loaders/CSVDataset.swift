import OrbitFormats
import OrbitNumerics

/// A data set from CSV files of numbers: one row per sample, one column the label or target.
/// Samples are flat: their ``DataSplit/sampleShape`` is `[d]`, d the number of feature columns.
///
/// Options (all optional; see ``DatasetSpec`` for the command-line form):
/// * `label` — the target column: a header name, a 0-based index, or `last` (default);
/// * `header` — `auto` (default: a first row with any non-number is a header), `yes`, `no`;
/// * `task` — `classification`, `regression`, or `auto` (default): classification when every
///   label is an integer in 0…999, else regression (recorded in the provenance);
/// * `test` — a second CSV file with the same columns for the test split (default: none).
public enum CSVDataset {
    public enum Task: String, Sendable, Equatable, CaseIterable {
        case automatic = "auto"
        case classification
        case regression
    }

    /// The options of a CSV data set.
    public struct Options: Sendable, Equatable {
        public var label: CSVTable.Column = .last
        public var header: CSVTable.Header = .automatic
        public var task: Task = .automatic
        public var testPath: String?

        public init(
            label: CSVTable.Column = .last, header: CSVTable.Header = .automatic, task: Task = .automatic,
            testPath: String? = nil
        ) {
            self.label = label
            self.header = header
            self.task = task
            self.testPath = testPath
        }
    }

    public static func load(
        path: String, options: Options = Options(), limit: Int? = nil, standardization: Standardization = .scalar,
        limits: FormatLimits = .standard
    ) throws -> Dataset {
        let trainTable = try CSVTable.read(path, header: options.header, limits: limits)
        let testTable = try options.testPath.map { try CSVTable.read($0, header: options.header, limits: limits) }
        if let testTable, testTable.values.columns != trainTable.values.columns {
            throw DataError.invalidData(
                source: options.testPath!,
                detail: "has \(testTable.values.columns) columns but \(path) has \(trainTable.values.columns)")
        }
        guard trainTable.values.columns >= 2 else {
            throw DataError.invalidData(source: path, detail: "needs at least two columns (features and a label)")
        }
        let (trainX, trainY) = try trainTable.separating(options.label, file: path)
        // The test file is addressed by the same column position as the train file.
        let labelIndex = try trainTable.index(of: options.label, file: path)
        let testParts = try testTable.map { try $0.separating(.index(labelIndex), file: options.testPath!) }

        let all = trainY + (testParts?.column ?? [])
        let classification: Bool
        switch options.task {
        case .classification:
            if let bad = all.first(where: { $0 != $0.rounded() || $0 < 0 || $0 >= Double(Int32.max) }) {
                throw DataError.invalidData(source: path, detail: "label \(bad) is not a non-negative integer")
            }
            classification = true
        case .regression: classification = false
        case .automatic: classification = all.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 < 1000 }
        }
        func targets(_ y: [Double], _ k: Int) -> Targets {
            classification
                ? .classes(labels: y.map { Int32($0) }, classCount: k)
                : .values(Matrix(rows: y.count, columns: 1, flat: y.map { Float($0) }))
        }
        let k = classification ? Int(all.max() ?? 0) + 1 : 0  // only class labels are known to be small integers

        let trainFeatures = RawFeatures.floats(trainX.converted(to: Float.self)).prefix(limit)
        let testFeatures = testParts.map { RawFeatures.floats($0.rest.converted(to: Float.self)).prefix(limit) }
        let prepared = FeaturePreprocessor.prepare(
            train: trainFeatures, test: testFeatures, standardization: standardization)
        let train = DataSplit(features: prepared.train, targets: targets(Array(trainY.prefix(trainFeatures.rows)), k))
        var test: DataSplit?
        if let x = prepared.test, let y = testParts?.column {
            test = DataSplit(features: x, targets: targets(Array(y.prefix(x.rows)), k))
        }
        var provenance = prepared.provenance
        provenance["source"] = "csv"
        provenance["path"] = path
        if let testPath = options.testPath { provenance["test.path"] = testPath }
        let labelName = trainTable.columnNames?[labelIndex] ?? String(labelIndex)
        provenance["label.column"] = "\(labelName) (index \(labelIndex))"
        provenance["sample.shape"] = SampleShape.text(train.sampleShape)
        provenance["targets"] = classification ? "classes:\(k)" : "values:1"
        if options.task == .automatic {
            provenance["task"] = classification ? "classification (auto)" : "regression (auto)"
        }
        if let limit { provenance["limit"] = String(limit) }
        provenance["train.samples"] = String(train.count)
        if let test { provenance["test.samples"] = String(test.count) }
        return Dataset(name: "csv:\(path)", train: train, test: test, provenance: provenance)
    }
}
