import OrbitFormats

/// Reads the members of one JSON object of a study file, key by key, with typed accessors whose
/// errors name the file, line and key; ``finish()`` refuses any key that was not asked for.
struct StudyFileReader {
    let file: String
    /// The object's own position (for "missing key" errors).
    let line: Int
    private let members: [LocatedJSON.Member]
    private var used: [String] = []

    /// `value` must be an object; `key` names it for the type error.
    init(_ value: LocatedJSON, key: String, file: String) throws {
        guard case .object(let members) = value.value else {
            throw StudyError.typeMismatch(
                file: file, line: value.line, key: key, expected: "an object", found: value.kindName)
        }
        self.file = file
        self.line = value.line
        self.members = members
    }

    /// The member `key`, if present (and marks it used).
    mutating func member(_ key: String) -> LocatedJSON.Member? {
        used.append(key)
        return members.first { $0.key == key }
    }

    /// Refuses members whose keys were never asked for, naming the first one's line.
    func finish() throws {
        if let unknown = members.first(where: { !used.contains($0.key) }) {
            var allowed: [String] = []
            for key in used where !allowed.contains(key) { allowed.append(key) }
            throw StudyError.unknownKey(file: file, line: unknown.line, key: unknown.key, allowed: allowed)
        }
    }

    private func mismatch(_ m: LocatedJSON.Member, _ expected: String) -> StudyError {
        .typeMismatch(file: file, line: m.value.line, key: m.key, expected: expected, found: m.value.kindName)
    }

    func bad(_ m: LocatedJSON.Member, _ reason: String) -> StudyError {
        .badValue(file: file, line: m.value.line, key: m.key, reason: reason)
    }

    private func required<T>(_ key: String, _ value: T?) throws -> T {
        guard let value else { throw StudyError.missingKey(file: file, line: line, key: key) }
        return value
    }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let m = member(key) else { return nil }
        if case .null = m.value.value { return nil }
        guard case .string(let s) = m.value.value else { throw mismatch(m, "a string") }
        return s
    }

    mutating func string(_ key: String) throws -> String { try required(key, try optionalString(key)) }

    mutating func string(_ key: String, default value: String) throws -> String {
        try optionalString(key) ?? value
    }

    mutating func optionalInteger(_ key: String, minimum: Int) throws -> Int? {
        guard let m = member(key) else { return nil }
        if case .null = m.value.value { return nil }
        return try integer(m.value, key: key, minimum: minimum)
    }

    mutating func integer(_ key: String, default value: Int, minimum: Int) throws -> Int {
        try optionalInteger(key, minimum: minimum) ?? value
    }

    /// An integer literal (no fraction or exponent) ≥ `minimum`.
    func integer(_ v: LocatedJSON, key: String, minimum: Int) throws -> Int {
        guard case .number(let text) = v.value, let n = Int(text) else {
            throw StudyError.typeMismatch(
                file: file, line: v.line, key: key, expected: "an integer",
                found: v.kindName == "a number" ? "a fraction or out-of-range number" : v.kindName)
        }
        guard n >= minimum else {
            throw StudyError.badValue(
                file: file, line: v.line, key: key, reason: "must be at least \(minimum) (got \(n))")
        }
        return n
    }

    mutating func number(_ key: String, default value: Double) throws -> Double {
        guard let m = member(key) else { return value }
        guard case .number(let text) = m.value.value, let d = Double(text), d.isFinite else {
            throw mismatch(m, "a finite number")
        }
        return d
    }

    mutating func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let m = member(key) else { return value }
        guard case .bool(let b) = m.value.value else { throw mismatch(m, "true or false") }
        return b
    }

    /// A non-empty array of integers ≥ `minimum`, without repeats.
    mutating func integers(_ key: String, minimum: Int) throws -> [Int]? {
        guard let m = member(key) else { return nil }
        guard case .array(let values) = m.value.value else { throw mismatch(m, "an array of integers") }
        guard !values.isEmpty else { throw bad(m, "must not be empty") }
        let list = try values.map { try integer($0, key: key, minimum: minimum) }
        guard Set(list).count == list.count else { throw bad(m, "lists a value twice") }
        return list
    }

    /// A non-empty array of strings, or nil when absent.
    mutating func strings(_ key: String) throws -> [String]? {
        guard let m = member(key) else { return nil }
        guard case .array(let values) = m.value.value, !values.isEmpty else {
            throw mismatch(m, "a non-empty array of strings")
        }
        return try values.map { v in
            guard case .string(let s) = v.value else {
                throw StudyError.typeMismatch(
                    file: file, line: v.line, key: key, expected: "a string", found: v.kindName)
            }
            return s
        }
    }

    /// An array of objects (each read by `body`).
    mutating func objects<T>(_ key: String, _ body: (inout StudyFileReader, Int) throws -> T) throws -> [T] {
        guard let m = member(key) else { return [] }
        guard case .array(let values) = m.value.value else { throw mismatch(m, "an array of objects") }
        return try values.enumerated().map { index, value in
            var reader = try StudyFileReader(value, key: "\(key)[\(index)]", file: file)
            let result = try body(&reader, index)
            try reader.finish()
            return result
        }
    }

    /// An object (read by `body`), or nil when absent.
    mutating func object<T>(_ key: String, _ body: (inout StudyFileReader) throws -> T) throws -> T? {
        guard let m = member(key) else { return nil }
        var reader = try StudyFileReader(m.value, key: key, file: file)
        let result = try body(&reader)
        try reader.finish()
        return result
    }
}
