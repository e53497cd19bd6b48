import OrbitFormats

/// A data set as named on the command line, with the options that shape it; ``load(limits:)``
/// produces the ``Dataset``.
///
/// Accepted strings:
/// * `fashion-mnist` — Debian's `dataset-fashion-mnist` in /usr/share/datasets/fashion-mnist;
///   `fashion-mnist:DIR` — the four MNIST-format IDX files (raw or `.gz`) in DIR (``FashionMNIST``);
/// * `npz:FILE[:layout=nchw|nhwc]` — arrays `x_train`, `y_train`, optional `x_test`, `y_test`
///   (``NPZDataset``); `layout` says how a 4-d `x_train` orders its axes when the channel axis
///   (size 1, 3 or 4) cannot be told (``ImageLayout``);
/// * `csv:FILE[:label=COL][:header=auto|yes|no][:task=auto|classification|regression][:test=FILE]` —
///   COL is a header name, a 0-based index or `last` (the default) (``CSVDataset``);
/// * `synthetic:KIND:key=value,…` — KIND is `regression`, `linear-teacher`, `teacher-student` or
///   `random-labels`; keys and defaults in ``SyntheticSpec``, e.g.
///   `synthetic:regression:d=20,k=3,n=1000,test=200,noise=0.1,seed=0`,
///   `synthetic:teacher-student:d=4,M=4,n=1000,seed=0`.
///
/// Options: ``limit`` keeps the first N samples of each split (before statistics are computed);
/// ``standardization`` defaults to `.scalar` for real data (fashion-mnist, npz, csv) and `.none`
/// for synthetic data, whose distributions are defined exactly (the teacher–student inputs must
/// stay on the unit sphere). ``description`` gives back the source string, and parsing it gives an
/// equal source. An unparsable string throws ``DataError/badSpec(spec:part:reason:)``, a one-line
/// message naming the bad part.
public struct DatasetSpec: Sendable, Equatable, CustomStringConvertible {
    public enum Source: Sendable, Equatable {
        case fashionMNIST(directory: String?)
        /// `layout` nil: detected from the shape of `x_train`.
        case npz(path: String, layout: ImageLayout? = nil)
        case csv(path: String, options: CSVDataset.Options)
        case synthetic(SyntheticSpec)
    }

    public var source: Source
    /// At most this many samples per split.
    public var limit: Int?
    /// `nil` means the source's default (see the type's documentation).
    public var standardization: Standardization?

    public init(_ source: Source, limit: Int? = nil, standardization: Standardization? = nil) {
        self.source = source
        self.limit = limit
        self.standardization = standardization
    }

    /// Parses a command-line data set string.
    public init(parsing text: String, limit: Int? = nil, standardization: Standardization? = nil) throws {
        self.init(try Self.parseSource(text), limit: limit, standardization: standardization)
    }

    /// The standardisation ``load(limits:)`` applies.
    public var effectiveStandardization: Standardization {
        if let standardization { return standardization }
        if case .synthetic = source { return .none }
        return .scalar
    }

    /// The source as a command-line string.
    public var description: String {
        switch source {
        case .fashionMNIST(let directory): return directory.map { "fashion-mnist:\($0)" } ?? "fashion-mnist"
        case .npz(let path, let layout): return "npz:\(path)" + (layout.map { ":layout=\($0.rawValue)" } ?? "")
        case .csv(let path, let options):
            var text = "csv:\(path)"
            if options.label != .last { text += ":label=\(options.label)" }
            switch options.header {
            case .automatic: break
            case .present: text += ":header=yes"
            case .absent: text += ":header=no"
            }
            if options.task != .automatic { text += ":task=\(options.task.rawValue)" }
            if let test = options.testPath { text += ":test=\(test)" }
            return text
        case .synthetic(let s): return s.description
        }
    }

    /// Loads (or generates) the data set, applying ``limit`` and the standardisation.
    public func load(limits: FormatLimits = .standard) throws -> Dataset {
        if let limit, limit < 1 {
            throw DataError.badSpec(
                spec: description, part: "limit=\(limit)", reason: "limit must be a positive integer")
        }
        let mode = effectiveStandardization
        var dataset: Dataset
        switch source {
        case .fashionMNIST(let directory):
            dataset = try FashionMNIST.load(directory: directory, limit: limit, standardization: mode, limits: limits)
        case .npz(let path, let layout):
            dataset = try NPZDataset.load(
                path: path, layout: layout, limit: limit, standardization: mode, limits: limits)
        case .csv(let path, let options):
            dataset = try CSVDataset.load(
                path: path, options: options, limit: limit, standardization: mode, limits: limits)
        case .synthetic(let s):
            dataset = s.generate()
            if let limit {
                dataset.train = dataset.train.prefix(limit)
                dataset.test = dataset.test?.prefix(limit)
                dataset.provenance["limit"] = String(limit)
                dataset.provenance["train.samples"] = String(dataset.train.count)
                if let test = dataset.test { dataset.provenance["test.samples"] = String(test.count) }
            }
            let prepared = FeaturePreprocessor.prepare(
                train: .floats(dataset.train.features), test: dataset.test.map { .floats($0.features) },
                standardization: mode)
            dataset.train.features = prepared.train
            if let test = prepared.test { dataset.test?.features = test }
            dataset.provenance.merge(prepared.provenance) { _, new in new }
        }
        dataset.provenance["spec"] = description
        return dataset
    }

    // MARK: Parsing

    static let usage =
        "expected fashion-mnist[:DIR], npz:FILE[:layout=nchw|nhwc], csv:FILE[:label=COL], or synthetic:KIND:key=value,…"

    static func parseSource(_ text: String) throws -> Source {
        let head = text.prefix { $0 != ":" }
        let rest = text.count > head.count ? String(text.dropFirst(head.count + 1)) : nil
        func requirePath(_ what: String) throws -> String {
            guard let rest, !rest.isEmpty else {
                throw DataError.badSpec(
                    spec: text, part: text, reason: "\(head) needs a \(what): \(head):\(what.uppercased())")
            }
            return rest
        }
        switch head {
        case "fashion-mnist":
            if let rest, rest.isEmpty {
                throw DataError.badSpec(spec: text, part: text, reason: "empty directory after 'fashion-mnist:'")
            }
            return .fashionMNIST(directory: rest)
        case "npz":
            return try parseNPZ(try requirePath("file"), spec: text)
        case "csv":
            return try parseCSV(try requirePath("file"), spec: text)
        case "synthetic":
            guard let rest, !rest.isEmpty else {
                throw DataError.badSpec(
                    spec: text, part: text,
                    reason: "expected synthetic:KIND:… with KIND one of \(SyntheticSpec.kinds.joined(separator: ", "))")
            }
            let kind = String(rest.prefix { $0 != ":" })
            let parameters = rest.count > kind.count ? String(rest.dropFirst(kind.count + 1)) : ""
            return .synthetic(try SyntheticSpec.parse(kind: kind, parameters: parameters, spec: text))
        default:
            throw DataError.badSpec(
                spec: text, part: String(head),
                reason: text.isEmpty ? "empty data set name; \(usage)" : "unknown data set; \(usage)")
        }
    }

    private static let csvKeys = ["label", "header", "task", "test"]
    private static let npzKeys = ["layout"]

    /// `FILE[:key=value]…` split into the file and its options, each checked to be one of `keys`,
    /// given once and not empty: the first `:`-part after the file that starts with a lowercase
    /// `key=` begins the options (so `test=/a/b.csv` and paths with ':' both work).
    private static func splitOptions(_ text: String, keys: [String], source: String, spec: String) throws -> (
        path: String, options: [(key: String, value: String, part: String)]
    ) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func optionKey(_ part: String) -> String? {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            let key = part[..<eq]
            return !key.isEmpty && key.allSatisfy({ $0 == "-" || ("a"..."z").contains($0) }) ? String(key) : nil
        }
        let firstOption = parts.indices.dropFirst().first { optionKey(parts[$0]) != nil } ?? parts.count
        var options: [(key: String, value: String, part: String)] = []
        var seen = Set<String>()
        for part in parts[firstOption...] {
            guard let key = optionKey(part) else {
                throw DataError.badSpec(
                    spec: spec, part: part, reason: "expected key=value (options: \(keys.joined(separator: ", ")))")
            }
            let value = String(part.dropFirst(key.count + 1))
            guard keys.contains(key) else {
                throw DataError.badSpec(
                    spec: spec, part: part,
                    reason: "unknown \(source) option '\(key)' (options: \(keys.joined(separator: ", ")))")
            }
            guard seen.insert(key).inserted else {
                throw DataError.badSpec(spec: spec, part: part, reason: "'\(key)' is given twice")
            }
            guard !value.isEmpty else {
                throw DataError.badSpec(spec: spec, part: part, reason: "empty value for '\(key)'")
            }
            options.append((key, value, part))
        }
        return (parts[..<firstOption].joined(separator: ":"), options)
    }

    /// `FILE[:layout=nchw|nhwc]`.
    private static func parseNPZ(_ text: String, spec: String) throws -> Source {
        let (path, options) = try splitOptions(text, keys: npzKeys, source: "npz", spec: spec)
        guard !path.isEmpty else {
            throw DataError.badSpec(spec: spec, part: spec, reason: "npz needs a file: npz:FILE")
        }
        var layout: ImageLayout?
        for (_, value, part) in options {
            guard let given = ImageLayout(rawValue: value) else {
                throw DataError.badSpec(spec: spec, part: part, reason: "layout must be nchw or nhwc")
            }
            layout = given
        }
        return .npz(path: path, layout: layout)
    }

    /// `FILE[:key=value]…` with the keys of ``CSVDataset/Options``.
    private static func parseCSV(_ text: String, spec: String) throws -> Source {
        let (path, parsed) = try splitOptions(text, keys: csvKeys, source: "csv", spec: spec)
        var options = CSVDataset.Options()
        for (key, value, last) in parsed {
            switch key {
            case "label":
                if value == "last" {
                    options.label = .last
                } else if let i = Int(value) {
                    guard i >= 0 else {
                        throw DataError.badSpec(spec: spec, part: last, reason: "column index must be ≥ 0")
                    }
                    options.label = .index(i)
                } else {
                    options.label = .name(value)
                }
            case "header":
                switch value {
                case "auto": options.header = .automatic
                case "yes": options.header = .present
                case "no": options.header = .absent
                default: throw DataError.badSpec(spec: spec, part: last, reason: "header must be auto, yes or no")
                }
            case "task":
                guard let task = CSVDataset.Task(rawValue: value) else {
                    throw DataError.badSpec(
                        spec: spec, part: last, reason: "task must be auto, classification or regression")
                }
                options.task = task
            default:
                options.testPath = value
            }
        }
        guard !path.isEmpty else {
            throw DataError.badSpec(spec: spec, part: spec, reason: "csv needs a file: csv:FILE")
        }
        return .csv(path: path, options: options)
    }
}

extension Standardization {
    /// Parses `none`, `scalar`, `per-feature` or `mean=M,std=S`, with a one-line error otherwise.
    public static func parse(_ text: String) throws -> Standardization {
        guard let mode = Standardization(parsing: text) else {
            throw DataError.badSpec(
                spec: text, part: text,
                reason: "standardisation must be none, scalar, per-feature or mean=M,std=S (S > 0)")
        }
        return mode
    }
}
