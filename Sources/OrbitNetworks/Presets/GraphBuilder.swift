/// Appends nodes to a graph under construction, each reading the previous one unless told
/// otherwise; presets use it to spell PyTorch module trees.
struct GraphBuilder {
    private(set) var nodes: [NetworkNode] = []
    /// The node the next one reads by default.
    var current = NetworkNode.networkInput

    mutating func add(_ name: String, _ layer: LayerKind, inputs: [String]? = nil) {
        nodes.append(NetworkNode(name, layer, inputs: inputs ?? [current]))
        current = name
    }
}

/// Reads `in=CxHxW`, `out=K`, `w=…` style options of the presets.
struct PresetOptions {
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ options: [String], description: String, allowed: Set<String>, flags allowedFlags: Set<String>)
        throws(NetworkError)
    {
        for o in options {
            if let eq = o.firstIndex(of: "=") {
                let key = String(o[..<eq]).lowercased()
                guard allowed.contains(key) else {
                    throw .unparsable(
                        description: description, part: o,
                        reason:
                            "unknown option (expected \(allowed.sorted().map { $0 + "=…" }.joined(separator: ", ")))")
                }
                values[key] = String(o[o.index(after: eq)...])
            } else {
                guard allowedFlags.contains(o.lowercased()) else {
                    throw .unparsable(
                        description: description, part: o,
                        reason: "unknown option (expected one of \(allowedFlags.sorted().joined(separator: ", ")))")
                }
                flags.insert(o.lowercased())
            }
        }
    }

    static func shape(_ text: String, description: String) throws(NetworkError) -> [Int] {
        var dims: [Int] = []
        for token in text.lowercased().split(separator: "x", omittingEmptySubsequences: false) {
            guard let n = Int(token), n > 0, n <= 1 << 20 else {
                throw .unparsable(description: description, part: text, reason: "a shape is C×H×W, e.g. in=1x28x28")
            }
            dims.append(n)
        }
        guard dims.count == 3 else {
            throw .unparsable(description: description, part: text, reason: "a shape is C×H×W, e.g. in=1x28x28")
        }
        return dims
    }

    func inputShape(default value: [Int], description: String) throws(NetworkError) -> [Int] {
        guard let text = values["in"] else { return value }
        return try Self.shape(text, description: description)
    }

    func positiveInt(_ key: String, default value: Int, description: String) throws(NetworkError) -> Int {
        guard let text = values[key] else { return value }
        guard let n = Int(text), n > 0, n <= 1 << 20 else {
            throw .unparsable(description: description, part: "\(key)=\(text)", reason: "expected a positive integer")
        }
        return n
    }
}
