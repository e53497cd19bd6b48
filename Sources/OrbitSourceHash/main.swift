import Foundation

// The build tool of the ClaimSourceHash plugin (Plugins/ClaimSourceHash): writes a Swift file with
// the hash of the sources a target is built from.
//
// Arguments: OUTPUT ROOT MANIFEST then, per module, `--module=NAME` followed by its Swift files.
// Each file contributes its path relative to ROOT (so two checkouts of the same sources agree), its
// byte count and its bytes to the hash of its module and, with the module's name, to the combined
// hash; the manifest counts towards the combined hash only. The hash is FNV-1a over 64 bits, twice
// (two offset bases), i.e. 128 bits: it detects changed sources, it is no defence against an
// adversary (nothing here needs one). Cost: one pass over the bytes, ≈2 MB.

/// Two FNV-1a 64-bit hashes with different offset bases, read as one 128-bit value.
struct SourceHasher {
    var low: UInt64 = 0xcbf2_9ce4_8422_2325
    var high: UInt64 = 0x6c62_272e_07bb_0142

    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
    }

    mutating func update(file relative: String, contents: [UInt8]) {
        update(Array(relative.utf8) + [0])
        update(Array("\(contents.count)".utf8) + [0])
        update(contents)
    }

    var hex: String {
        [high, low].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: OrbitSourceHash OUTPUT ROOT MANIFEST [--module=NAME FILE…]…\n".utf8))
    exit(2)
}
let output = arguments[0]
let root = arguments[1].hasSuffix("/") ? arguments[1] : arguments[1] + "/"

func contents(_ path: String) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("OrbitSourceHash: cannot read \(path)\n".utf8))
        exit(1)
    }
    return [UInt8](data)
}

func relative(_ path: String) -> String { path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path }

var files: [String: [String]] = [:]
var current: String?
for argument in arguments.dropFirst(3) {
    if argument.hasPrefix("--module=") {
        current = String(argument.dropFirst("--module=".count))
        files[current!, default: []] += []
    } else if let module = current {
        files[module, default: []].append(argument)
    }
}

var combined = SourceHasher()
combined.update(file: relative(arguments[2]), contents: contents(arguments[2]))
var moduleLines: [String] = []
var fileCount = 0
for module in files.keys.sorted() {
    var hasher = SourceHasher()
    for path in files[module]!.sorted(by: { relative($0) < relative($1) }) {
        let bytes = contents(path)
        hasher.update(file: relative(path), contents: bytes)
        combined.update(file: relative(path), contents: bytes)
        fileCount += 1
    }
    moduleLines.append("        \"\(module)\": \"\(hasher.hex)\",")
}

let text = """
    // Generated at build time by the ClaimSourceHash plugin (Plugins/ClaimSourceHash); not committed.

    /// The hash of the sources this module was built from (FNV-1a, 2 × 64 bits): all \(fileCount) Swift
    /// files of this module and of every module it depends on, and Package.swift.
    enum ClaimSourceHashes {
        /// Over every file, with their paths relative to the package.
        static let combined = "\(combined.hex)"
        /// Per module, over its own files.
        static let modules: [String: String] = [
    \(moduleLines.joined(separator: "\n"))
        ]
    }

    """
do {
    // Unchanged text is not rewritten, so the module is not recompiled for nothing.
    if let old = FileManager.default.contents(atPath: output), old == Data(text.utf8) { exit(0) }
    try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("OrbitSourceHash: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
