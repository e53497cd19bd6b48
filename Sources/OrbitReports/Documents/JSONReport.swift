import Foundation
import OrbitFormats

/// Pretty, key-sorted JSON for results files, so the same result always gives the same bytes and
/// two runs can be diffed.
///
/// Non-finite numbers (a diverged loss) are not valid JSON; they are written as the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"` (the spellings Python's `json` and JavaScript use), so
/// the file stays readable by strict parsers and the value is still recognisable. The text ends
/// with a newline. Dates in `Encodable` values are written as ISO 8601 text.
///
/// A dictionary literal whose values are all `Encodable` (`["loss": 0.5]`) selects the `Encodable`
/// overload; a mixed one (`["loss": 0.5, "name": "a"]`) the `[String: Any]` one. Both give the same
/// layout.
public enum JSONReport {
    /// `value` as pretty, key-sorted JSON text.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Dates as ISO 8601 text rather than JSONEncoder's default seconds since 2001.
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// A dictionary of strings, numbers, booleans, `NSNull`, arrays and nested dictionaries as
    /// pretty, key-sorted JSON text.
    public static func encode(_ object: [String: Any]) throws -> String {
        let clean = try sanitized(object, path: "$")
        let data = try JSONSerialization.data(
            withJSONObject: clean, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes `value` as JSON to `path` atomically.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        try AtomicFile.write(try encode(value), to: path)
    }

    /// Writes `object` as JSON to `path` atomically.
    public static func write(_ object: [String: Any], to path: String) throws {
        try AtomicFile.write(try encode(object), to: path)
    }

    /// `value` with non-finite floating-point numbers replaced by their string spellings, checked
    /// to hold only JSON-representable types (JSONSerialization would trap or throw an opaque
    /// error otherwise). `path` names the value in error messages (`$.paths[2].loss`).
    static func sanitized(_ value: Any, path: String) throws -> Any {
        // Types are matched exactly: corelibs Foundation bridges more than JSON allows through
        // `as?` (a Date casts to Double, for one), which would silently write a meaningless number.
        let kind = type(of: value)
        if let d = value as? [String: Any], kind is [String: Any].Type || kind is NSDictionary.Type {
            var out: [String: Any] = [:]
            for (key, v) in d { out[key] = try sanitized(v, path: path + "." + key) }
            return out
        }
        if let a = value as? [Any],
            kind is [Any].Type || kind is NSArray.Type || Mirror(reflecting: value).displayStyle == .collection
        {
            return try a.enumerated().map { try sanitized($0.element, path: path + "[\($0.offset)]") }
        }
        switch value {
        case let x as Double where kind == Double.self:
            return finiteOrString(x)
        case let x as Float where kind == Float.self:
            return finiteOrString(Double(x))
        case let b as Bool where kind == Bool.self:
            return b
        case let s as String where kind == String.self:
            return s
        case _
        where kind == Int.self || kind == Int8.self || kind == Int16.self || kind == Int32.self
            || kind == Int64.self || kind == UInt.self || kind == UInt8.self || kind == UInt16.self
            || kind == UInt32.self || kind == UInt64.self:
            return value
        case is NSNull:
            return value
        case let n as NSNumber where kind is NSNumber.Type:
            return n.doubleValue.isFinite ? n : finiteOrString(n.doubleValue)
        default:
            // An Optional arrives wrapped; write nil as null and unwrap anything else.
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let child = mirror.children.first else { return NSNull() }
                return try sanitized(child.value, path: path)
            }
            throw ReportError.notJSONRepresentable(path: path, type: String(describing: kind))
        }
    }

    private static func finiteOrString(_ x: Double) -> Any {
        if x.isFinite { return x }
        return x.isNaN ? "NaN" : (x > 0 ? "Infinity" : "-Infinity")
    }
}
