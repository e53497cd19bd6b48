/// A JSON document (RFC 8259) in which every value and every object key knows its line and column,
/// for files people write by hand (study files): an error can then say "line 12, key 'widths'".
///
/// The header reader (``JSONValue``) reports byte offsets, which suit binary files; this reader
/// keeps the same strictness — duplicate keys refused, numbers kept as their literal text, nesting
/// depth and document size bounded — and adds positions. Parsing is O(n) in the document's length.
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
        let bytes = Array(text.utf8)
        guard bytes.count <= maxBytes else {
            throw FormatError(file: file, reason: .invalidJSON(offset: 0, detail: "larger than \(maxBytes) bytes"))
        }
        var parser = LocatedJSONParser(bytes: bytes, file: file)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        if parser.position != bytes.count { throw parser.failure("unexpected text after the document") }
        return value
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

/// Recursive-descent parser over UTF-8 bytes that counts lines as it goes.
struct LocatedJSONParser {
    let bytes: [UInt8]
    let file: String
    var position = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// The column of the current position, counting Unicode scalars (continuation bytes skipped).
    private var column: Int {
        bytes[lineStart..<position].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    func failure(_ detail: String) -> FormatError {
        FormatError(
            file: file, reason: .invalidJSON(offset: position, detail: "line \(line), column \(column): \(detail)"))
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
            position += 1
            if c == 0x0A {
                line += 1
                lineStart = position
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard current == byte else { throw failure("expected \(what)") }
        position += 1
    }

    mutating func value() throws -> LocatedJSON {
        guard let c = current else { throw failure("unexpected end of the document") }
        let (l, col) = (line, column)
        func located(_ v: LocatedJSON.Value) -> LocatedJSON { LocatedJSON(value: v, line: l, column: col) }
        switch c {
        case UInt8(ascii: "{"): return located(try object())
        case UInt8(ascii: "["): return located(try array())
        case UInt8(ascii: "\""): return located(.string(try string()))
        case UInt8(ascii: "t"): return located(try literal("true", .bool(true)))
        case UInt8(ascii: "f"): return located(try literal("false", .bool(false)))
        case UInt8(ascii: "n"): return located(try literal("null", .null))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return located(try number())
        default: throw failure("unexpected character '\(Unicode.Scalar(c))'")
        }
    }

    private mutating func literal(_ word: String, _ result: LocatedJSON.Value) throws -> LocatedJSON.Value {
        for byte in word.utf8 {
            guard current == byte else { throw failure("invalid literal (expected \(word))") }
            position += 1
        }
        return result
    }

    private mutating func enter() throws {
        depth += 1
        if depth > LocatedJSON.maxDepth { throw failure("nesting deeper than \(LocatedJSON.maxDepth)") }
    }

    private mutating func object() throws -> LocatedJSON.Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [LocatedJSON.Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let (l, col) = (line, column)
            let key = try string()
            guard seen.insert(key).inserted else { throw failure("key '\(key)' appears twice in one object") }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key '\(key)'")
            skipWhitespace()
            members.append(LocatedJSON.Member(key: key, line: l, column: col, value: try value()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    private mutating func array() throws -> LocatedJSON.Value {
        try enter()
        defer { depth -= 1 }
        position += 1
        var values: [LocatedJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try value())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(values)
        }
    }

    private mutating func number() throws -> LocatedJSON.Value {
        let start = position
        func digits() -> Int {
            let s = position
            while let c = current, c >= 0x30 && c <= 0x39 { position += 1 }
            return position - s
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw failure("invalid number")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw failure("invalid number: no digits after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw failure("invalid number: no exponent digits") }
        }
        return .number(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current else { throw failure("truncated \\u escape") }
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func string() throws -> String {
        position += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw failure("unterminated string") }
            position += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = current else { throw failure("unterminated escape") }
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard current == UInt8(ascii: "\\") else { throw failure("unpaired surrogate in \\u escape") }
                        position += 1
                        guard current == UInt8(ascii: "u") else { throw failure("unpaired surrogate in \\u escape") }
                        position += 1
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw failure("unpaired surrogate in \\u escape")
                    }
                    out += Array(String(Unicode.Scalar(code)!).utf8)
                default:
                    throw failure("invalid escape '\\\(Unicode.Scalar(e))'")
                }
            case 0x00..<0x20:
                throw failure("control character in a string (a line break inside quotes?)")
            default:
                out.append(c)
            }
        }
    }
}
