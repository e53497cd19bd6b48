/// The legacy layout of `torch.save` (PyTorch < 1.6, or `_use_new_zipfile_serialization=False`):
/// five pickles back to back, then the storages' bytes (see ``TorchCheckpointFile``).
extension TorchCheckpointFile {
    /// The magic number `0x1950a86a20f9469cfc6c` of the first pickle, as LONG1's little-endian bytes.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let legacyProtocolVersion: Int64 = 1001

    static func parseLegacy(
        _ data: ByteSlice, file: String, keyPath: [String]?, limits: FormatLimits
    ) throws -> TorchCheckpointFile {
        var storages: [String: TorchStorageReference] = [:]
        func refuseStorage(_: PickleValue) throws -> PickleValue {
            throw PickleMachine.Refusal("a persistent id outside the checkpoint's main pickle")
        }
        return try data.withUnsafeBytes { raw in
            func fail(_ what: String, _ detail: String) -> FormatError {
                FormatError(file: file, tensor: what, reason: .malformedHeader(detail))
            }
            // 1–3: magic number, protocol version, sys_info.
            var offset = try PickleMachine.withValue(
                of: raw, file: file, member: "magic number", persistentLoad: refuseStorage
            ) { value, end in
                guard case .largeInt(let bytes) = value, bytes == legacyMagic else {
                    throw FormatError(
                        file: file,
                        reason: .badMagic(
                            expected: "a torch.save file (a zip archive, or the legacy magic number)",
                            found: "a pickle of \(value.typeName)"))
                }
                return end
            }
            offset = try PickleMachine.withValue(
                of: raw, file: file, member: "protocol version", startingAt: offset, persistentLoad: refuseStorage
            ) { value, end in
                guard case .int(legacyProtocolVersion) = value else {
                    throw fail("protocol version", "expected \(legacyProtocolVersion), found \(value.keyDescription)")
                }
                return end
            }
            var bigEndian = false
            offset = try PickleMachine.withValue(
                of: raw, file: file, member: "sys_info", startingAt: offset, persistentLoad: refuseStorage
            ) { value, end in
                guard case .dict(let info) = value else { throw fail("sys_info", "is \(value.typeName), not a dict") }
                if case .bool(false) = info["little_endian"] { bigEndian = true }
                return end
            }
            // 4: the object itself.
            let (found, objectEnd) = try PickleMachine.withValue(
                of: raw, file: file, member: "object pickle", startingAt: offset, limits: limits,
                persistentLoad: { try storageReference($0, known: &storages) }
            ) { value, end in (try TorchStateDictSearch.find(in: value, keyPath: keyPath, file: file), end) }
            // 5: the storage keys, in the order of their data.
            var keys: [String] = []
            offset = try PickleMachine.withValue(
                of: raw, file: file, member: "storage keys", startingAt: objectEnd, persistentLoad: refuseStorage
            ) { value, end in
                guard case .list(let list) = value else {
                    throw fail("storage keys", "is \(value.typeName), not a list")
                }
                for item in list.items {
                    guard case .string(let key) = item else { throw fail("storage keys", "holds \(item.typeName)") }
                    keys.append(key)
                }
                return end
            }
            // The storages: u64 element count, then the elements.
            var slices: [String: ByteSlice] = [:]
            var cursor = ByteCursor(raw, file: file, offset: offset)
            for key in keys {
                guard let storage = storages[key] else {
                    throw fail("storage '\(key)'", "listed in the storage keys but used by no tensor")
                }
                let count = try cursor.u64("element count of storage '\(key)'")
                let (bytes, overflow) = UInt64(storage.dtype.byteSize).multipliedReportingOverflow(by: count)
                guard !overflow, bytes <= UInt64(cursor.remaining) else {
                    throw FormatError(
                        file: file, tensor: "storage '\(key)'",
                        reason: .truncated(
                            what: "\(count) \(storage.dtype) elements", offset: cursor.offset,
                            needed: Int(clamping: bytes), available: cursor.remaining))
                }
                guard slices[key] == nil else {
                    throw FormatError(file: file, reason: .duplicateKey("storage '\(key)'"))
                }
                slices[key] = data[cursor.offset..<(cursor.offset + Int(bytes))]
                try cursor.skip(Int(bytes), for: "storage '\(key)'")
            }
            var budget = data.count
            var swappedSlices: [String: ByteSlice] = [:]
            var tensors: [RawTensor] = []
            for (name, reference) in found.tensors {
                let key = reference.storage.key
                guard var bytes = swappedSlices[key] ?? slices[key] else {
                    throw FormatError(file: file, tensor: name, reason: .missing(available: keys))
                }
                if bigEndian && swappedSlices[key] == nil {
                    bytes = try swapped(bytes, itemSize: reference.storage.dtype.byteSize, file: file, budget: &budget)
                    swappedSlices[key] = bytes
                }
                tensors.append(
                    try reference.materialize(name: name, storageBytes: bytes, file: file, copyBudget: &budget))
            }
            return TorchCheckpointFile(tensors: tensors, keyPath: found.keyPath, layout: .legacy)
        }
    }
}
