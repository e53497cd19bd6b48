/// A typed JSON value for the free-form part of a result: the numbers behind a claim, the rows of
/// a table written beside a figure, a sweep run's configuration.
///
/// Results with a fixed shape are `Codable` structs; a `ResultValue` is for the parts whose keys
/// vary from one claim or experiment to the next. Unlike `[String: Any]`, it can only hold what
/// JSON can represent (the compiler checks it), it is `Codable` (so Orbit reads its own files back)
/// and it keeps non-finite numbers: ``JSONReport`` writes them as the strings `"NaN"`,
/// `"Infinity"` and `"-Infinity"`, and decoding turns exactly those three strings back into
/// numbers. Objects are unordered; ``JSONReport`` sorts their keys.
///
/// Literals build values directly, and any ``ResultValueConvertible`` (numbers, strings, booleans,
/// optionals, arrays and string-keyed dictionaries of them) can appear in a literal:
/// ```swift
/// let numbers: ResultValue = ["slope": slope, "errors": errors, "rows": rows.map { $0.resultValue }]
/// ```
public enum ResultValue: Sendable, Equatable {
    case number(Double)
    case integer(Int64)
    case string(String)
    case bool(Bool)
    case array([ResultValue])
    case object([String: ResultValue])
    case null

    /// The value as a Double: a number, or an integer converted.
    public var double: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let n): return Double(n)
        default: return nil
        }
    }

    /// The value as an array of Doubles, if it is an array of numbers.
    public var doubles: [Double]? {
        guard case .array(let values) = self else { return nil }
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for v in values {
            guard let x = v.double else { return nil }
            out.append(x)
        }
        return out
    }

    /// The value as an Int, if it is an integer (or a number with an integral value).
    public var integer: Int? {
        switch self {
        case .integer(let n): return Int(exactly: n)
        case .number(let x): return Int(exactly: x)
        default: return nil
        }
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [ResultValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var object: [String: ResultValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The member `key` of an object (nil for other kinds or a missing key). Setting a member of a
    /// non-object turns the value into an object holding just that member.
    public subscript(key: String) -> ResultValue? {
        get { object?[key] }
        set {
            var members = object ?? [:]
            members[key] = newValue
            self = .object(members)
        }
    }

    /// Every number in the value, depth first (objects in sorted key order).
    public var allNumbers: [Double] {
        switch self {
        case .number(let x): return [x]
        case .integer(let n): return [Double(n)]
        case .array(let values): return values.flatMap(\.allNumbers)
        case .object(let members): return members.keys.sorted().flatMap { members[$0]!.allNumbers }
        case .string, .bool, .null: return []
        }
    }

    /// True when the value is an object or array with no members.
    public var isEmpty: Bool {
        switch self {
        case .array(let values): return values.isEmpty
        case .object(let members): return members.isEmpty
        default: return false
        }
    }
}

extension ResultValue: Codable {
    /// The strings that stand for non-finite numbers (the spellings Python's `float()` and
    /// JavaScript's `Number()` accept).
    static func nonFiniteSpelling(_ x: Double) -> String {
        x.isNaN ? "NaN" : (x > 0 ? "Infinity" : "-Infinity")
    }

    static func nonFiniteNumber(_ s: String) -> Double? {
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        // Spelled here rather than left to the encoder's strategy so that any encoder gives the
        // documented text.
        case .number(let x): try x.isFinite ? container.encode(x) : container.encode(Self.nonFiniteSpelling(x))
        case .integer(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .bool(let b): try container.encode(b)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        case .null: try container.encodeNil()
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Int64.self) {
            // `-0` decodes as the integer 0; keep the sign of a negative zero.
            let x = n == 0 ? try? container.decode(Double.self) : nil
            self = x.map { $0.sign == .minus ? .number($0) : .integer(n) } ?? .integer(n)
        } else if let x = try? container.decode(Double.self) {
            self = .number(x)
        } else if let s = try? container.decode(String.self) {
            self = Self.nonFiniteNumber(s).map(ResultValue.number) ?? .string(s)
        } else if let values = try? container.decode([ResultValue].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: ResultValue].self))
        }
    }
}

extension ResultValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(dictionaryLiteral elements: (String, any ResultValueConvertible)...) {
        var members: [String: ResultValue] = [:]
        for (key, value) in elements {
            precondition(members[key] == nil, "duplicate key \(key) in a ResultValue literal")
            members[key] = value.resultValue
        }
        self = .object(members)
    }

    public init(arrayLiteral elements: any ResultValueConvertible...) {
        self = .array(elements.map(\.resultValue))
    }

    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// A value that has a ``ResultValue`` form, so it can appear in a result literal.
public protocol ResultValueConvertible {
    var resultValue: ResultValue { get }
}

extension ResultValue: ResultValueConvertible {
    public var resultValue: ResultValue { self }
}

extension Double: ResultValueConvertible {
    public var resultValue: ResultValue { .number(self) }
}

extension Float: ResultValueConvertible {
    public var resultValue: ResultValue { .number(Double(self)) }
}

extension Int: ResultValueConvertible {
    public var resultValue: ResultValue { .integer(Int64(self)) }
}

extension Int64: ResultValueConvertible {
    public var resultValue: ResultValue { .integer(self) }
}

extension UInt64: ResultValueConvertible {
    /// Values above `Int64.max` (seeds can be) are kept exactly as text.
    public var resultValue: ResultValue { Int64(exactly: self).map(ResultValue.integer) ?? .string(String(self)) }
}

extension String: ResultValueConvertible {
    public var resultValue: ResultValue { .string(self) }
}

extension Substring: ResultValueConvertible {
    public var resultValue: ResultValue { .string(String(self)) }
}

extension Bool: ResultValueConvertible {
    public var resultValue: ResultValue { .bool(self) }
}

extension Optional: ResultValueConvertible where Wrapped: ResultValueConvertible {
    /// `nil` is JSON `null`.
    public var resultValue: ResultValue { map(\.resultValue) ?? .null }
}

extension Array: ResultValueConvertible where Element: ResultValueConvertible {
    public var resultValue: ResultValue { .array(map(\.resultValue)) }
}

extension Dictionary: ResultValueConvertible where Key == String, Value: ResultValueConvertible {
    public var resultValue: ResultValue { .object(mapValues(\.resultValue)) }
}

extension ResultValue: CustomStringConvertible {
    /// Numbers and strings as Swift prints them (`0.5`, `inf`, `3`, `abc`); arrays and objects as
    /// compact JSON-like text with sorted keys.
    public var description: String {
        switch self {
        case .number(let x): return "\(x)"
        case .integer(let n): return "\(n)"
        case .string(let s): return s
        case .bool(let b): return "\(b)"
        case .null: return "null"
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { "\($0): \(members[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}

extension ResultValue {
    /// `value`'s JSON form as a tree (through ``JSONReport``, so non-finite numbers survive), for
    /// embedding a `Codable` configuration in a free-form result.
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONReport.decode(ResultValue.self, from: JSONReport.encode(value))
    }
}
