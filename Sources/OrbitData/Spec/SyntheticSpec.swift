/// A synthetic data set as named on the command line: `synthetic:KIND:key=value,…`.
///
/// | KIND | keys (defaults) |
/// |---|---|
/// | `regression` | `d=20,k=1,n=1000,test=200,noise=0.1,seed=0` — ``GaussianRegression`` |
/// | `linear-teacher` | `d=20,k=5,n=1000,test=200,noise=0,q=gaussian,seed=0` (q: gaussian, orthogonal, identity) — ``LinearTeacher`` |
/// | `teacher-student` | `d=4,M=4,n=1000,test=200,seed=0` (M ≤ d teacher neurons) — ``TeacherStudentData`` |
/// | `random-labels` | `d=20,k=10,n=1000,test=200,seed=0` (k classes) — ``RandomLabels`` |
///
/// d = input dimension, k = outputs (or classes), n = train samples, test = test samples (0 for
/// none), noise = σ of additive Gaussian noise, seed = the ``SeededGenerator`` seed. Keys may be
/// given in any order and omitted; ``description`` prints all of them in the order above, and
/// parses back to an equal value.
public enum SyntheticSpec: Sendable, Equatable, CustomStringConvertible {
    case regression(GaussianRegression)
    case linearTeacher(LinearTeacher)
    case teacherStudent(TeacherStudentData)
    case randomLabels(RandomLabels)

    public static let kinds = ["regression", "linear-teacher", "teacher-student", "random-labels"]

    /// Generates the data set.
    public func generate() -> Dataset {
        switch self {
        case .regression(let g): return g.generate()
        case .linearTeacher(let g): return g.generate()
        case .teacherStudent(let g): return g.generate()
        case .randomLabels(let g): return g.generate()
        }
    }

    public var description: String {
        switch self {
        case .regression(let g):
            return
                "synthetic:regression:d=\(g.dimension),k=\(g.outputs),n=\(g.trainCount),test=\(g.testCount),noise=\(g.noise),seed=\(g.seed)"
        case .linearTeacher(let g):
            return "synthetic:linear-teacher:d=\(g.dimension),k=\(g.outputs),n=\(g.trainCount),test=\(g.testCount),"
                + "noise=\(g.noise),q=\(g.teacher.name),seed=\(g.seed)"
        case .teacherStudent(let g):
            return
                "synthetic:teacher-student:d=\(g.dimension),M=\(g.teacherNeurons),n=\(g.trainCount),test=\(g.testCount),seed=\(g.seed)"
        case .randomLabels(let g):
            return
                "synthetic:random-labels:d=\(g.dimension),k=\(g.classes),n=\(g.trainCount),test=\(g.testCount),seed=\(g.seed)"
        }
    }

    /// Parses KIND and the `key=value,…` list (either may come from a longer spec string `spec`,
    /// which errors quote).
    static func parse(kind: String, parameters: String, spec: String) throws -> SyntheticSpec {
        var keys = try KeyValues(parameters, spec: spec)
        // The largest data set a spec may ask for: 2³¹ Float entries (8 GiB).
        func checkSize(_ n: Int, _ test: Int, _ width: Int) throws {
            let (rows, o1) = n.addingReportingOverflow(test)
            let (entries, o2) = rows.multipliedReportingOverflow(by: width)
            if o1 || o2 || entries > 1 << 31 {
                throw DataError.badSpec(spec: spec, part: parameters, reason: "asks for more than 2³¹ values")
            }
        }
        let result: SyntheticSpec
        switch kind {
        case "regression":
            var g = GaussianRegression()
            g.dimension = try keys.positive("d", default: g.dimension)
            g.outputs = try keys.positive("k", default: g.outputs)
            g.trainCount = try keys.positive("n", default: g.trainCount)
            g.testCount = try keys.nonNegative("test", default: g.testCount)
            g.noise = try keys.noise("noise", default: g.noise)
            g.seed = try keys.seed("seed", default: g.seed)
            try checkSize(g.trainCount, g.testCount, g.dimension + g.outputs)
            result = .regression(g)
        case "linear-teacher":
            var g = LinearTeacher()
            g.dimension = try keys.positive("d", default: g.dimension)
            g.outputs = try keys.positive("k", default: g.outputs)
            g.trainCount = try keys.positive("n", default: g.trainCount)
            g.testCount = try keys.nonNegative("test", default: g.testCount)
            g.noise = try keys.noise("noise", default: g.noise)
            g.teacher = try keys.choice(
                "q", default: .gaussian, ["gaussian": .gaussian, "orthogonal": .orthogonal, "identity": .identity])
            g.seed = try keys.seed("seed", default: g.seed)
            try checkSize(g.trainCount, g.testCount, g.dimension + g.outputs)
            result = .linearTeacher(g)
        case "teacher-student":
            var g = TeacherStudentData()
            g.dimension = try keys.positive("d", default: g.dimension)
            g.teacherNeurons = try keys.positive("M", default: min(g.teacherNeurons, g.dimension))
            g.trainCount = try keys.positive("n", default: g.trainCount)
            g.testCount = try keys.nonNegative("test", default: g.testCount)
            g.seed = try keys.seed("seed", default: g.seed)
            guard g.teacherNeurons <= g.dimension else {
                throw DataError.badSpec(
                    spec: spec, part: "M=\(g.teacherNeurons)", reason: "M must be at most d = \(g.dimension)")
            }
            try checkSize(g.trainCount, g.testCount, g.dimension + 1)
            result = .teacherStudent(g)
        case "random-labels":
            var g = RandomLabels()
            g.dimension = try keys.positive("d", default: g.dimension)
            g.classes = try keys.positive("k", default: g.classes)
            g.trainCount = try keys.positive("n", default: g.trainCount)
            g.testCount = try keys.nonNegative("test", default: g.testCount)
            g.seed = try keys.seed("seed", default: g.seed)
            try checkSize(g.trainCount, g.testCount, g.dimension + 1)
            result = .randomLabels(g)
        default:
            throw DataError.badSpec(
                spec: spec, part: kind.isEmpty ? spec : kind,
                reason: "unknown synthetic kind '\(kind)' (expected \(kinds.joined(separator: ", ")))")
        }
        try keys.rejectUnused(kind: kind)
        return result
    }
}

/// A `key=value,…` list, consumed key by key; whatever is left over is an error.
struct KeyValues {
    private var values: [String: String] = [:]
    private var order: [String] = []
    private var used = Set<String>()
    let spec: String

    init(_ text: String, spec: String) throws {
        self.spec = spec
        guard !text.isEmpty else { return }
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else {
                throw DataError.badSpec(spec: spec, part: part, reason: "expected key=value")
            }
            guard values[kv[0]] == nil else {
                throw DataError.badSpec(spec: spec, part: part, reason: "'\(kv[0])' is given twice")
            }
            values[kv[0]] = kv[1]
            order.append(kv[0])
        }
    }

    private mutating func take(_ key: String) -> String? {
        used.insert(key)
        return values[key]
    }

    mutating func positive(_ key: String, default value: Int) throws -> Int {
        guard let text = take(key) else { return value }
        guard let n = Int(text), n > 0 else {
            throw DataError.badSpec(spec: spec, part: "\(key)=\(text)", reason: "\(key) must be a positive integer")
        }
        return n
    }

    mutating func nonNegative(_ key: String, default value: Int) throws -> Int {
        guard let text = take(key) else { return value }
        guard let n = Int(text), n >= 0 else {
            throw DataError.badSpec(spec: spec, part: "\(key)=\(text)", reason: "\(key) must be a non-negative integer")
        }
        return n
    }

    mutating func noise(_ key: String, default value: Double) throws -> Double {
        guard let text = take(key) else { return value }
        guard let x = Double(text), x.isFinite, x >= 0 else {
            throw DataError.badSpec(spec: spec, part: "\(key)=\(text)", reason: "\(key) must be a finite number ≥ 0")
        }
        return x
    }

    mutating func seed(_ key: String, default value: UInt64) throws -> UInt64 {
        guard let text = take(key) else { return value }
        guard let s = UInt64(text) else {
            throw DataError.badSpec(spec: spec, part: "\(key)=\(text)", reason: "\(key) must be an integer in 0…2⁶⁴−1")
        }
        return s
    }

    mutating func choice<T>(_ key: String, default value: T, _ options: [String: T]) throws -> T {
        guard let text = take(key) else { return value }
        guard let v = options[text] else {
            throw DataError.badSpec(
                spec: spec, part: "\(key)=\(text)",
                reason: "\(key) must be one of \(options.keys.sorted().joined(separator: ", "))")
        }
        return v
    }

    func rejectUnused(kind: String) throws {
        if let unknown = order.first(where: { !used.contains($0) }) {
            throw DataError.badSpec(
                spec: spec, part: "\(unknown)=\(values[unknown]!)",
                reason: "unknown key '\(unknown)' for \(kind) (keys: \(used.sorted().joined(separator: ", ")))")
        }
    }
}
