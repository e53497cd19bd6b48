/// The subset of Python literal syntax that NPY headers use, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }`.
///
/// Strings (single or double quoted, backslash escapes), integers, `True`/`False`/`None`, tuples,
/// lists and dicts, with trailing commas. Anything else — expressions, calls, floats — is
/// rejected: NumPy reads the header with `ast.literal_eval`, and Orbit never evaluates more than
/// that. Nesting is limited to 32 levels. O(n) in the header length.
indirect enum PythonLiteral: Equatable {
    struct Item: Equatable {
        var key: PythonLiteral
        var value: PythonLiteral
    }

    case string(String)
    /// The literal digits with an optional leading `-`.
    case integer(String)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([Item])

    /// Parses `bytes` as one literal; `latin1` selects the string encoding (NPY 1.0/2.0 headers are
    /// Latin-1, 3.0 headers UTF-8). Errors are ``FormatError/Reason/malformedHeader(_:)``.
    static func parse(_ bytes: UnsafeRawBufferPointer, latin1: Bool, file: String) throws -> PythonLiteral {
        var parser = Parser(bytes: bytes, latin1: latin1, file: file)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the header dict") }
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        let latin1: Bool
        let file: String
        var position = 0

        func failure(_ detail: String) -> FormatError {
            FormatError(file: file, reason: .malformedHeader("\(detail) at header offset \(position)"))
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
        }

        mutating func value(depth: Int) throws -> PythonLiteral {
            guard depth < 32 else { throw failure("nesting too deep") }
            guard let c = current else { throw failure("unexpected end of header") }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string(quote: c))
            case UInt8(ascii: "("): return .tuple(try sequence(close: UInt8(ascii: ")"), depth: depth))
            case UInt8(ascii: "["): return .list(try sequence(close: UInt8(ascii: "]"), depth: depth))
            case UInt8(ascii: "{"): return try dict(depth: depth)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try integer()
            default:
                let word = identifier()
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default: throw failure("unexpected '\(word.isEmpty ? String(Unicode.Scalar(c)) : word)'")
                }
            }
        }

        mutating func identifier() -> String {
            let start = position
            while let c = current, (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F { position += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func integer() throws -> PythonLiteral {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            let digitsStart = position
            while let c = current, c >= 0x30 && c <= 0x39 { position += 1 }
            guard position > digitsStart else { throw failure("invalid integer") }
            if let c = current, c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                throw failure("non-integer number")
            }
            // Python 2 headers may carry an `L` suffix on long integers.
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            if current == UInt8(ascii: "L") { position += 1 }
            return .integer(text)
        }

        mutating func string(quote: UInt8) throws -> String {
            position += 1
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw failure("unterminated string") }
                position += 1
                if c == quote { break }
                if c == UInt8(ascii: "\\") {
                    guard let e = current else { throw failure("unterminated escape") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    default: out.append(e)
                    }
                } else {
                    out.append(c)
                }
            }
            if latin1 { return String(String.UnicodeScalarView(out.map { Unicode.Scalar($0) })) }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func sequence(close: UInt8, depth: Int) throws -> [PythonLiteral] {
            position += 1
            var items: [PythonLiteral] = []
            while true {
                skipWhitespace()
                if current == close {
                    position += 1
                    return items
                }
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current != close {
                    throw failure("expected ',' or '\(Unicode.Scalar(close))'")
                }
            }
        }

        mutating func dict(depth: Int) throws -> PythonLiteral {
            position += 1
            var items: [Item] = []
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    position += 1
                    return .dict(items)
                }
                let key = try value(depth: depth + 1)
                if items.contains(where: { $0.key == key }) {
                    if case .string(let s) = key { throw FormatError(file: file, reason: .duplicateKey(s)) }
                    throw failure("duplicate key")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a dict key") }
                position += 1
                skipWhitespace()
                items.append(Item(key: key, value: try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current != UInt8(ascii: "}") {
                    throw failure("expected ',' or '}'")
                }
            }
        }
    }
}
