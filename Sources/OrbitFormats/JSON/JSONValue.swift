/// A small, strict JSON reader and writer for file headers (RFC 8259).
///
/// Written by hand instead of using `JSONSerialization` because headers are untrusted: this parser
/// rejects duplicate object keys (which `JSONSerialization` silently merges), keeps numbers as their
/// literal text (so a 64-bit offset is never rounded through a Double), limits nesting depth (no
/// stack overflow on `[[[[…`), and reports the byte offset of every error. The input must already
/// be valid UTF-8. Parsing is O(n) in the header length.
enum JSONValue: Equatable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    /// The number's literal text, e.g. `"-1.5e3"`.
    case number(String)
    case bool(Bool)
    case null

    /// A short name of the value's kind for error messages.
    var kindName: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    /// The value as a non-negative integer, if it is an integer literal that fits in UInt64.
    var unsignedInteger: UInt64? {
        guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return UInt64(text)
    }

    /// Compact serialisation (no spaces), members in their stored order.
    var serialized: String {
        switch self {
        case .object(let members):
            return "{" + members.map { JSONValue.quoted($0.key) + ":" + $0.value.serialized }.joined(separator: ",")
                + "}"
        case .array(let values):
            return "[" + values.map(\.serialized).joined(separator: ",") + "]"
        case .string(let s): return JSONValue.quoted(s)
        case .number(let text): return text
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `s` as a JSON string literal: `"` and `\` escaped, control characters as `\u00XX`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

struct JSONMember: Equatable {
    var key: String
    var value: JSONValue
}

/// Recursive-descent parser over UTF-8 bytes.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var position = 0
    private var depth = 0
    static let maxDepth = 128

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, file: file)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        if parser.position != bytes.count { throw parser.failure("unexpected text after the value") }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func failure(_ detail: String) -> FormatError {
        FormatError(file: file, reason: .invalidJSON(offset: position, detail: detail))
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard current == byte else { throw failure("expected \(what)") }
        position += 1
    }

    private mutating func value() throws -> JSONValue {
        guard let c = current else { throw failure("unexpected end of header") }
        switch c {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character '\(Unicode.Scalar(c))'")
        }
    }

    private mutating func literal(_ word: String, _ result: JSONValue) throws -> JSONValue {
        for byte in word.utf8 {
            guard current == byte else { throw failure("invalid literal (expected \(word))") }
            position += 1
        }
        return result
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw failure("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [JSONMember] = []
        var seen = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let key = try string()
            guard seen.insert(key).inserted else { throw FormatError(file: file, reason: .duplicateKey(key)) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after a key")
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    private mutating func array() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var values: [JSONValue] = []
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

    private mutating func number() throws -> JSONValue {
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
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
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
                        // A high surrogate must be followed by an escaped low surrogate.
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
                throw failure("control character in a string")
            default:
                out.append(c)
            }
        }
    }
}

/// Checks that `bytes` are valid UTF-8; throws ``FormatError/Reason/invalidUTF8(offset:)`` naming
/// the first bad byte.
func validateUTF8(_ bytes: UnsafeRawBufferPointer, file: String) throws {
    // Fast path: pure ASCII, the common case for headers.
    if bytes.allSatisfy({ $0 < 0x80 }) { return }
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded): offset += encoded.count
        case .emptyInput: return
        case .error: throw FormatError(file: file, reason: .invalidUTF8(offset: offset))
        }
    }
}
