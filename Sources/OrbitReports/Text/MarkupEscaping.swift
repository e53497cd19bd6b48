/// Escaping of text placed inside SVG or HTML markup.
///
/// Every piece of caller-supplied text (titles, labels, series names, table cells) goes through
/// ``escape(_:)`` so a name such as `A < B & "C"` can never break the document's structure.
enum MarkupEscaping {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, valid both as element content and
    /// inside a double- or single-quoted attribute.
    ///
    /// Control characters other than tab, newline and carriage return are dropped: XML 1.0 forbids
    /// them even as character references, and one stray byte in a run name would otherwise make the
    /// whole SVG unreadable to strict parsers.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // C0 controls, DEL-adjacent C1 controls are legal in XML 1.0 only as U+0085 etc.; the
                // noncharacters U+FFFE/U+FFFF are never legal.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
