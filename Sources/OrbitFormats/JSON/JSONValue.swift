/// A JSON value read from a binary file's header (e.g. safetensors), with members in file order and
/// numbers as their literal text; read by ``JSONParser`` (grammar, strictness and limits there),
/// whose errors give the byte offset. Also writes JSON (``serialized``).
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

extension JSONValue: JSONParsedNode {
    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed), nesting at most
    /// ``JSONParserStyle/header``'s depth; errors give the byte offset.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> JSONValue {
        try JSONParser<JSONValue>.parse(bytes, file: file, style: .header)
    }

    static var keepsLocations: Bool { false }
    static func object(_ members: [JSONMember], at: JSONLocation) -> JSONValue { .object(members) }
    static func array(_ values: [JSONValue], at: JSONLocation) -> JSONValue { .array(values) }
    static func string(_ value: String, at: JSONLocation) -> JSONValue { .string(value) }
    static func number(_ text: String, at: JSONLocation) -> JSONValue { .number(text) }
    static func bool(_ value: Bool, at: JSONLocation) -> JSONValue { .bool(value) }
    static func null(at: JSONLocation) -> JSONValue { .null }
    static func member(_ key: String, at: JSONLocation, value: JSONValue) -> JSONMember {
        JSONMember(key: key, value: value)
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
