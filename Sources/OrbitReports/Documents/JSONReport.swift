import Foundation
import OrbitFormats

/// The one JSON writer (and reader) of Orbit's results: reports' summaries, claim records, sweep
/// manifests and results, the `--json` output of commands, the demo's summary.
///
/// The text is pretty-printed (two-space indent), every object's keys are sorted and it ends with a
/// newline, so the same result always gives the same bytes and two runs can be diffed. Files are
/// written atomically (`AtomicFile`): a reader sees the old file or the whole new one.
///
/// **Non-finite numbers.** JSON has no literal for them, and a diverged loss is a result worth
/// keeping, so they are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` — the
/// spellings Python's `float()`, JavaScript's `Number()` and numpy accept — whether they sit in a
/// `Double`/`Float` field of an `Encodable` value or in a ``ResultValue``. Strict parsers read the
/// file; ``decode(_:from:)`` and ``read(_:from:)`` turn the three strings back into numbers (for
/// `Double` fields and for ``ResultValue``), so every value round-trips bit for bit except NaN's
/// payload. A missing optional is written as `null` only where the type says so (``ResultValue/null``
/// or a hand-written `encode(to:)`); synthesised `Codable` leaves the key out.
///
/// Dates are written as ISO 8601 text. Encoding is O(size of the value).
public enum JSONReport {
    /// `value` as pretty, key-sorted JSON text ending in a newline.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder(pretty: true).encode(value), as: UTF8.self) + "\n"
    }

    /// `value` as one line of key-sorted JSON without a newline, for line-oriented output (JSON
    /// Lines on standard output, as `orbit-bench --json` prints); the same spellings as ``encode(_:)``.
    public static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder(pretty: false).encode(value), as: UTF8.self)
    }

    private static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Dates as ISO 8601 text rather than JSONEncoder's default seconds since 2001.
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Writes `value` as JSON to `path` atomically.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        try AtomicFile.write(try encode(value), to: path)
    }

    /// Decodes a `T` from JSON text written by ``encode(_:)`` (non-finite spellings included).
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder().decode(type, from: Data(text.utf8))
    }

    /// Reads a `T` from the JSON file at `path`; errors name the file.
    public static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadableJSON(path: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        do {
            return try decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ReportError.unreadableJSON(path: path, reason: describe(error))
        } catch {
            throw ReportError.unreadableJSON(path: path, reason: "\(error)")
        }
    }

    private static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// A decoding error as one line naming the key path, e.g. "runs[2].id: no value".
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)): no value"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): not a \(type)"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
