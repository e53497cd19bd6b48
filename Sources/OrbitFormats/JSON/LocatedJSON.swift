/// A JSON document in which every value and every object key knows its line and column, for files
/// people write by hand (study files): an error can then say "line 12, key 'widths'". Read by
/// ``JSONParser`` (grammar, strictness and limits there) with the ``JSONParserStyle/document``
/// style, whose errors start "line L, column C: "; the document's size is bounded too.
public struct LocatedJSON: Sendable, Equatable {
    /// The value's kind and contents.
    public enum Value: Sendable, Equatable {
        case object([Member])
        case array([LocatedJSON])
        case string(String)
        /// The number's literal text, e.g. `"-1.5e3"`.
        case number(String)
        case bool(Bool)
        case null
    }

    /// One `"key": value` pair of an object, with the key's position.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var line: Int
        public var column: Int
        public var value: LocatedJSON
    }

    public var value: Value
    /// 1-based line and column (in Unicode scalars) of the value's first character.
    public var line: Int
    public var column: Int

    /// Deepest nesting accepted (no stack overflow on `[[[[…`).
    public static let maxDepth = 64
    /// Largest document accepted: a study file is a few kilobytes.
    public static let maxBytes = 4 << 20

    /// Parses `text`; `file` names it in errors, which give the line and column.
    public static func parse(_ text: String, file: String) throws -> LocatedJSON {
        guard text.utf8.count <= maxBytes else {
            throw FormatError(file: file, reason: .invalidJSON(offset: 0, detail: "larger than \(maxBytes) bytes"))
        }
        var text = text
        return try text.withUTF8 {
            try JSONParser<LocatedJSON>.parse(UnsafeRawBufferPointer($0), file: file, style: .document)
        }
    }

    /// A short name of the value's kind for error messages ("an object", "a number", …).
    public var kindName: String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

extension LocatedJSON: JSONParsedNode {
    static var keepsLocations: Bool { true }
    static func object(_ members: [Member], at: JSONLocation) -> LocatedJSON { located(.object(members), at) }
    static func array(_ values: [LocatedJSON], at: JSONLocation) -> LocatedJSON { located(.array(values), at) }
    static func string(_ value: String, at: JSONLocation) -> LocatedJSON { located(.string(value), at) }
    static func number(_ text: String, at: JSONLocation) -> LocatedJSON { located(.number(text), at) }
    static func bool(_ value: Bool, at: JSONLocation) -> LocatedJSON { located(.bool(value), at) }
    static func null(at: JSONLocation) -> LocatedJSON { located(.null, at) }
    static func member(_ key: String, at: JSONLocation, value: LocatedJSON) -> Member {
        Member(key: key, line: at.line, column: at.column, value: value)
    }

    private static func located(_ value: Value, _ at: JSONLocation) -> LocatedJSON {
        LocatedJSON(value: value, line: at.line, column: at.column)
    }
}
