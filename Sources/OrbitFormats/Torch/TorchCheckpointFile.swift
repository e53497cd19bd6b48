/// A PyTorch checkpoint (`.pt`, `.pth`) read without Python: the tensors of its state dict.
///
/// Two layouts, told apart by their first bytes:
/// ```
/// zip (torch ≥ 1.6)   <root>/data.pkl        the pickle; tensors name storages by persistent id
///                     <root>/data/<key>      each storage's raw bytes
///                     <root>/byteorder       "little" or "big" (absent: little)
///                     <root>/version, …      (<root> is the file's stem when saved; any name)
/// legacy (< 1.6)      pickle: magic number 0x1950a86a20f9469cfc6c
///                     pickle: protocol version 1001
///                     pickle: sys_info {"little_endian": …, …}
///                     pickle: the object (persistent ids as above, plus view metadata None)
///                     pickle: the storage keys, in the order their data follows
///                     per key: u64 element count, then the elements
/// ```
/// The pickle runs on ``PickleMachine``, which builds only plain data and the allowed globals of
/// ``TorchGlobal`` (the equivalent of `torch.load(…, weights_only=True)`) and executes nothing.
/// The state dict is found by ``TorchStateDictSearch`` — at the top or one or two levels down —
/// and its key path kept in ``keyPath``. Tensors are strided views of storages: contiguous ones
/// share the file's buffer, the others are copied after a bounds check that names the tensor. The
/// zip is read by ``ZipReader`` (sizes, overlaps and CRC-32 checked). O(file size) time; memory: the
/// file, plus copies (strided views made contiguous, big-endian storages swapped) of at most the
/// file's size for each kind — so a hostile file cannot allocate more than a small multiple of itself.
public struct TorchCheckpointFile: Sendable, Equatable {
    /// Which of the two layouts the file used.
    public enum Layout: String, Sendable {
        case zip
        case legacy
    }

    /// The state dict's tensors in its order, under the names it stores (e.g. `model.fc1.weight`).
    public var tensors: [RawTensor]
    /// Where the state dict was in the checkpoint: `[]` at the top, `["state_dict"]` in a Lightning file.
    public var keyPath: [String]
    public var layout: Layout

    public init(tensors: [RawTensor], keyPath: [String] = [], layout: Layout = .zip) {
        self.tensors = tensors
        self.keyPath = keyPath
        self.layout = layout
    }

    /// The key path as Python writes it, e.g. `['state_dict']`.
    public var keyPathDescription: String { TorchStateDictSearch.describe(keyPath) }

    /// Reads the checkpoint at `path`. With `keyPath`, the state dict is taken from exactly there.
    public static func read(_ path: String, keyPath: [String]? = nil, limits: FormatLimits = .standard) throws
        -> TorchCheckpointFile
    {
        try parse(try FileReader.read(path, limit: limits.maxFileBytes), file: path, keyPath: keyPath, limits: limits)
    }

    /// Parses a checkpoint held in memory (`file` names it in errors).
    public static func parse(
        _ data: ByteSlice, file: String, keyPath: [String]? = nil, limits: FormatLimits = .standard
    ) throws -> TorchCheckpointFile {
        let isZip =
            data.count >= 4
            && data.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == ZipReader.localSignature.littleEndian
        if isZip { return try parseZip(data, file: file, keyPath: keyPath, limits: limits) }
        guard data.count >= 2, data[0] == PickleOpcode.proto.rawValue else {
            throw FormatError(
                file: file,
                reason: .badMagic(
                    expected: "a torch.save file (a zip archive, or a pickle in the legacy format)",
                    found: data.withUnsafeBytes { hexPrefix($0) }))
        }
        return try parseLegacy(data, file: file, keyPath: keyPath, limits: limits)
    }

    /// Runs `pickle` alone, with `storages` (key → little-endian bytes) standing for the archive's
    /// `data/` members: the core of the zip reader, for tests and fuzzing of the unpickler.
    public static func parse(
        pickle: ByteSlice, storages: [String: ByteSlice], file: String, keyPath: [String]? = nil,
        limits: FormatLimits = .standard
    ) throws -> TorchCheckpointFile {
        var budget = pickle.count + storages.values.reduce(0) { $0 + $1.count }
        return try readPickle(
            pickle, member: "data.pkl", file: file, keyPath: keyPath, limits: limits, layout: .zip,
            storageBytes: { storage in
                guard let bytes = storages[storage.key] else {
                    throw FormatError(
                        file: file, tensor: "data/\(storage.key)", reason: .missing(available: storages.keys.sorted()))
                }
                return bytes
            }, copyBudget: &budget)
    }

    // MARK: Zip

    private static func parseZip(
        _ data: ByteSlice, file: String, keyPath: [String]?, limits: FormatLimits
    ) throws -> TorchCheckpointFile {
        let entries: [ZipEntry]
        do {
            entries = try data.withUnsafeBytes { try ZipReader.entries($0, file: file, limits: limits) }
        } catch let error as FormatError {
            // A zip that starts right but has no end record was cut short: say so.
            guard case .badMagic = error.reason, data.count >= 4, data[0] == 0x50, data[1] == 0x4B else { throw error }
            throw FormatError(
                file: file,
                reason: .truncated(
                    what: "the zip archive's end-of-central-directory record (the file is cut short)",
                    offset: data.count, needed: 22, available: 0))
        }
        // The root folder is whatever the archive calls it: the folder holding data.pkl.
        let pickles = entries.filter { entry in
            entry.name.hasSuffix("/data.pkl") && entry.name.dropLast("/data.pkl".count).allSatisfy { $0 != "/" }
        }
        guard pickles.count == 1, let pickleEntry = pickles.first else {
            let reason: FormatError.Reason =
                pickles.isEmpty
                ? .missing(available: entries.prefix(12).map(\.name))
                : .duplicateKey(pickles.map(\.name).joined(separator: ", "))
            throw FormatError(file: file, tensor: "<root>/data.pkl", reason: reason)
        }
        let root = String(pickleEntry.name.dropLast("/data.pkl".count))
        var byName: [String: ZipEntry] = [:]
        for entry in entries { byName[entry.name] = entry }
        var bigEndian = false
        if let entry = byName[root + "/byteorder"] {
            let order = try ZipReader.extract(entry, from: data, file: file)
            switch String(decoding: order.array, as: UTF8.self) {
            case "little": bigEndian = false
            case "big": bigEndian = true
            case let other:
                throw FormatError(
                    file: file, tensor: entry.name, reason: .unsupported("byte order '\(other.prefix(20))'"))
            }
        }
        let pickle = try ZipReader.extract(pickleEntry, from: data, file: file)
        var cache: [String: ByteSlice] = [:]
        // Byte swaps and strided copies may each copy at most the file's size.
        var swapBudget = data.count
        var copyBudget = data.count
        return try readPickle(
            pickle, member: pickleEntry.name, file: file, keyPath: keyPath, limits: limits, layout: .zip,
            storageBytes: { storage in
                if let cached = cache[storage.key] { return cached }
                let name = root + "/data/" + storage.key
                guard let entry = byName[name] else {
                    throw FormatError(
                        file: file, tensor: name,
                        reason: .missing(available: entries.filter { $0.name.hasPrefix(root + "/data/") }.map(\.name)))
                }
                var bytes = try ZipReader.extract(entry, from: data, file: file)
                if bigEndian {
                    bytes = try swapped(bytes, itemSize: storage.dtype.byteSize, file: file, budget: &swapBudget)
                }
                cache[storage.key] = bytes
                return bytes
            }, copyBudget: &copyBudget)
    }

    // MARK: Shared

    /// Runs the pickle, finds the state dict and materialises its tensors.
    static func readPickle(
        _ pickle: ByteSlice, member: String, file: String, keyPath: [String]?, limits: FormatLimits, layout: Layout,
        storageBytes: (TorchStorageReference) throws -> ByteSlice, copyBudget: inout Int
    ) throws -> TorchCheckpointFile {
        var storages: [String: TorchStorageReference] = [:]
        let found = try pickle.withUnsafeBytes { raw in
            try PickleMachine.withValue(
                of: raw, file: file, member: member, limits: limits,
                persistentLoad: { try storageReference($0, known: &storages) },
                body: { value, _ in try TorchStateDictSearch.find(in: value, keyPath: keyPath, file: file) })
        }
        var tensors: [RawTensor] = []
        tensors.reserveCapacity(found.tensors.count)
        for (name, reference) in found.tensors {
            let bytes = try storageBytes(reference.storage)
            tensors.append(
                try reference.materialize(name: name, storageBytes: bytes, file: file, copyBudget: &copyBudget))
        }
        return TorchCheckpointFile(tensors: tensors, keyPath: found.keyPath, layout: layout)
    }

    /// The storage a persistent id `('storage', torch.FloatStorage, key, location, numel[, view])`
    /// names; the same key gives the same reference.
    static func storageReference(
        _ id: PickleValue, known: inout [String: TorchStorageReference]
    ) throws -> PickleValue {
        guard case .tuple(let tuple) = id, tuple.items.count == 5 || tuple.items.count == 6,
            case .string("storage") = tuple.items[0]
        else { throw PickleMachine.Refusal("a persistent id that is not ('storage', type, key, location, numel)") }
        guard case .global(.storageType(let dtype, _)) = tuple.items[1] else {
            throw PickleMachine.Refusal("persistent id storage type \(tuple.items[1].typeName) is not a torch storage")
        }
        guard case .string(let key) = tuple.items[2], case .string = tuple.items[3],
            case .int(let numel) = tuple.items[4],
            numel >= 0
        else { throw PickleMachine.Refusal("persistent id with a malformed key, location or element count") }
        // The legacy layout's sixth element describes a view of a storage (PyTorch < 0.4); always None since.
        if tuple.items.count == 6 {
            guard case .none = tuple.items[5] else {
                throw PickleMachine.Refusal("legacy storage views (view metadata in a persistent id)")
            }
        }
        if let existing = known[key], existing.dtype == dtype, existing.elementCount == Int(numel) {
            return .storage(existing)
        }
        guard known[key] == nil else {
            throw PickleMachine.Refusal("storage '\(key)' is named with two types or sizes")
        }
        let reference = TorchStorageReference(key: key, dtype: dtype, elementCount: Int(numel))
        known[key] = reference
        return .storage(reference)
    }

    /// `bytes` with each `itemSize`-byte element reversed (big-endian → little-endian), charged to `budget`.
    static func swapped(_ bytes: ByteSlice, itemSize: Int, file: String, budget: inout Int) throws -> ByteSlice {
        guard itemSize > 1 else { return bytes }
        guard bytes.count <= budget else {
            throw FormatError(
                file: file,
                reason: .absurdSize(
                    what: "bytes copied to swap byte order", value: UInt64(bytes.count), limit: UInt64(budget)))
        }
        budget -= bytes.count
        let whole = bytes.count / itemSize * itemSize
        return bytes.withUnsafeBytes { source in
            ByteSlice(count: whole) { target in
                for start in stride(from: 0, to: whole, by: itemSize) {
                    for i in 0..<itemSize { target[start + i] = source[start + itemSize - 1 - i] }
                }
            }
        }
    }
}
