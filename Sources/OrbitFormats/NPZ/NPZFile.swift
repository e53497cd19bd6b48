/// NumPy's `.npz` format: a ZIP archive of `.npy` members, one per array (`np.savez` stores them,
/// `np.savez_compressed` deflates them). Array names are member names without `.npy`, as
/// `numpy.load` reports them.
///
/// Reading validates the archive (see ``ZipReader``), inflates deflated members into buffers of
/// exactly their declared (capped) size, checks each CRC-32 and parses each member as NPY;
/// stored members are not copied. Writing produces a stored archive that `numpy.load` reads, with
/// arrays in the given order.
public struct NPZFile: Sendable, Equatable {
    /// The arrays, in archive order.
    public var arrays: [RawTensor]

    public init(arrays: [RawTensor]) { self.arrays = arrays }

    /// The names of the arrays.
    public var names: [String] { arrays.map(\.name) }

    /// The array called `name`, if present.
    public subscript(name: String) -> RawTensor? { arrays.first { $0.name == name } }

    /// The array called `name`; throws ``FormatError/Reason/missing(available:)`` naming the others.
    public func array(_ name: String, file: String = "<npz>") throws -> RawTensor {
        guard let a = self[name] else {
            throw FormatError(file: file, tensor: name, reason: .missing(available: names))
        }
        return a
    }

    /// Reads the `.npz` file at `path`; with `only`, just those arrays are extracted (the rest are
    /// validated as archive entries but not decompressed).
    public static func read(_ path: String, only: Set<String>? = nil, limits: FormatLimits = .standard) throws
        -> NPZFile
    {
        try parse(try FileReader.read(path, limit: limits.maxFileBytes), file: path, only: only, limits: limits)
    }

    /// Parses an `.npz` archive held in memory.
    public static func parse(
        _ data: ByteSlice, file: String, only: Set<String>? = nil, limits: FormatLimits = .standard
    ) throws -> NPZFile {
        let entries = try data.withUnsafeBytes { try ZipReader.entries($0, file: file, limits: limits) }
        var arrays: [RawTensor] = []
        var seen = Set<String>()
        for entry in entries {
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            // "a" and "a.npy" would both become "a".
            guard seen.insert(name).inserted else { throw FormatError(file: file, reason: .duplicateKey(name)) }
            if let only, !only.contains(name) { continue }
            let contents = try ZipReader.extract(entry, from: data, file: file)
            arrays.append(try NPYFile.parse(contents, name: name, file: file, limits: limits))
        }
        return NPZFile(arrays: arrays)
    }

    /// Writes a stored (uncompressed) archive atomically, as `numpy.savez` would.
    /// `forceZip64` adds ZIP64 records even when sizes do not need them.
    public func write(to path: String, forceZip64: Bool = false) throws {
        let members = try zipMembers(file: path)
        try AtomicFile.write(to: path) { sink in
            try ZipWriter(forceZip64: forceZip64).write(
                members, file: path, to: { try sink.write($0.bytes) }, pieces: { try sink.write($0) })
        }
    }

    /// The archive as bytes.
    public func serialized(forceZip64: Bool = false) throws -> [UInt8] {
        let members = try zipMembers(file: "<npz>")
        var out: [UInt8] = []
        try ZipWriter(forceZip64: forceZip64).write(
            members, file: "<npz>", to: { out += $0.bytes }, pieces: { piece in piece.withUnsafeBytes { out += $0 } })
        return out
    }

    private func zipMembers(file: String) throws -> [ZipWriter.Member] {
        try arrays.map { array in
            ZipWriter.Member(
                name: array.name + ".npy", pieces: [ByteSlice(try NPYFile.header(for: array, file: file)), array.bytes])
        }
    }
}
