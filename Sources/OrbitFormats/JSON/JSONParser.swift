/// The one JSON reader (RFC 8259) behind both ``JSONValue`` (binary file headers, e.g. safetensors)
/// and ``LocatedJSON`` (files people write by hand, e.g. study files).
///
/// Written by hand instead of using `JSONSerialization` because the input is untrusted: it rejects
/// duplicate object keys (which `JSONSerialization` silently merges), keeps numbers as their literal
/// text (so a 64-bit offset is never rounded through a Double), limits nesting depth (no stack
/// overflow on `[[[[…`; ``JSONParserStyle/maxDepth``), and every error names the byte offset — and,
/// for hand-written text, the line and column. The input must already be valid UTF-8.
///
/// Recursive descent over UTF-8 bytes, O(n) in the input's length. Lines are counted while skipping
/// whitespace (a string cannot hold a raw line break, so whitespace is the only place one occurs);
/// a column is counted in Unicode scalars from the last point whose column is known, so locating
/// every value of a one-line document stays O(n), and a tree without positions (``JSONValue``)
/// counts no columns at all.
struct JSONParser<Node: JSONParsedNode> {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let style: JSONParserStyle
    private var position = 0
    private var depth = 0
    /// 1-based line of `position`, and the byte offset where that line starts.
    private var line = 1
    private var lineStart = 0
    /// A byte offset on the current line and its 1-based column (scalars), where the next count resumes.
    private var columnAnchor = 0
    private var columnAtAnchor = 1

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String, style: JSONParserStyle) throws -> Node {
        var parser = JSONParser(bytes: bytes, file: file, style: style)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        if parser.position != bytes.count { throw parser.failure(style.trailingText) }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer, file: String, style: JSONParserStyle) {
        self.bytes = bytes
        self.file = file
        self.style = style
    }

    /// The 1-based column of `position` in Unicode scalars (continuation bytes skipped); amortised
    /// O(1) when asked at increasing positions.
    private mutating func column() -> Int {
        if position < columnAnchor {
            columnAnchor = lineStart
            columnAtAnchor = 1
        }
        var column = columnAtAnchor
        for i in columnAnchor..<position where bytes[i] & 0xC0 != 0x80 { column += 1 }
        columnAnchor = position
        columnAtAnchor = column
        return column
    }

    private func failure(_ detail: String) -> FormatError {
        var copy = self
        return copy.failureHere(detail)
    }

    private mutating func failureHere(_ detail: String) -> FormatError {
        guard style.locatesErrors else {
            return FormatError(file: file, reason: .invalidJSON(offset: position, detail: detail))
        }
        let text = "line \(line), column \(column()): \(detail)"
        return FormatError(file: file, reason: .invalidJSON(offset: position, detail: text))
    }

    /// The position of the current byte, or zeros when `Node` keeps no positions.
    private mutating func location() -> JSONLocation {
        Node.keepsLocations ? JSONLocation(line: line, column: column()) : JSONLocation(line: 0, column: 0)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
            position += 1
            if c == 0x0A {
                line += 1
                lineStart = position
                columnAnchor = position
                columnAtAnchor = 1
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard current == byte else { throw failure("expected \(what)") }
        position += 1
    }

    private mutating func value() throws -> Node {
        guard let c = current else { throw failure(style.endOfInput) }
        let at = location()
        switch c {
        case UInt8(ascii: "{"): return try object(at)
        case UInt8(ascii: "["): return try array(at)
        case UInt8(ascii: "\""): return Node.string(try string(), at: at)
        case UInt8(ascii: "t"):
            try literal("true")
            return Node.bool(true, at: at)
        case UInt8(ascii: "f"):
            try literal("false")
            return Node.bool(false, at: at)
        case UInt8(ascii: "n"):
            try literal("null")
            return Node.null(at: at)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return Node.number(try number(), at: at)
        default: throw failure("unexpected character '\(Unicode.Scalar(c))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let utf8 = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for byte in utf8 {
            guard current == byte else { throw failure("invalid literal (expected \(word))") }
            position += 1
        }
    }

    private mutating func enter() throws {
        depth += 1
        if depth > style.maxDepth { throw failure("nesting deeper than \(style.maxDepth)") }
    }

    private mutating func object(_ at: JSONLocation) throws -> Node {
        try enter()
        defer { depth -= 1 }
        position += 1
        var members: [Node.Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return Node.object(members, at: at)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyAt = location()
            let key = try string()
            guard seen.insert(key).inserted else {
                guard style.locatesErrors else { throw FormatError(file: file, reason: .duplicateKey(key)) }
                throw failure("key '\(key)' appears twice in one object")
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), style.locatesErrors ? "':' after the key '\(key)'" : "':' after a key")
            skipWhitespace()
            members.append(Node.member(key, at: keyAt, value: try value()))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return Node.object(members, at: at)
        }
    }

    private mutating func array(_ at: JSONLocation) throws -> Node {
        try enter()
        defer { depth -= 1 }
        position += 1
        var values: [Node] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return Node.array(values, at: at)
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
            return Node.array(values, at: at)
        }
    }

    private mutating func number() throws -> String {
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
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
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
                throw failure(
                    style.locatesErrors
                        ? "control character in a string (a line break inside quotes?)"
                        : "control character in a string")
            default:
                out.append(c)
            }
        }
    }
}

/// What differs between the parser's two readers: limits and the wording of errors.
struct JSONParserStyle: Sendable {
    /// Deepest nesting accepted.
    var maxDepth: Int
    /// The error detail when the input ends where a value should start.
    var endOfInput: String
    /// The error detail when text follows the top-level value.
    var trailingText: String
    /// Text people write by hand: every error starts "line L, column C: ", a duplicate key is an
    /// `invalidJSON` error at its position, and messages name the key and hint at a line break.
    var locatesErrors: Bool

    /// Binary file headers (``JSONValue``): byte offsets only, nesting at most 128 deep.
    static let header = JSONParserStyle(
        maxDepth: 128, endOfInput: "unexpected end of header", trailingText: "unexpected text after the value",
        locatesErrors: false)
    /// Hand-written documents (``LocatedJSON``), nesting at most ``LocatedJSON/maxDepth`` deep.
    static let document = JSONParserStyle(
        maxDepth: LocatedJSON.maxDepth, endOfInput: "unexpected end of the document",
        trailingText: "unexpected text after the document",
        locatesErrors: true)
}

/// 1-based line and column (in Unicode scalars) of a value's or key's first character.
struct JSONLocation {
    var line: Int
    var column: Int
}

/// A tree ``JSONParser`` can build: one constructor per JSON kind, each given its position.
protocol JSONParsedNode {
    associatedtype Member
    /// Whether the nodes keep positions; when false the parser counts no columns.
    static var keepsLocations: Bool { get }
    static func object(_ members: [Member], at: JSONLocation) -> Self
    static func array(_ values: [Self], at: JSONLocation) -> Self
    static func string(_ value: String, at: JSONLocation) -> Self
    /// `text` is the number's literal text.
    static func number(_ text: String, at: JSONLocation) -> Self
    static func bool(_ value: Bool, at: JSONLocation) -> Self
    static func null(at: JSONLocation) -> Self
    static func member(_ key: String, at: JSONLocation, value: Self) -> Member
}
