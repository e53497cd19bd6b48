/// Writing stored (uncompressed) ZIP archives, as `numpy.savez` does, streamed to a sink.
///
/// Members are written with their CRC-32 and sizes in the local header (no data descriptors), a
/// fixed timestamp (1980-01-01 00:00, so equal contents give equal files) and UTF-8 names.
/// ZIP64 records are added when a size or offset reaches 4 GiB, or always with `forceZip64`
/// (NumPy itself writes ZIP64 local headers). O(total size); members are never copied whole.
struct ZipWriter {
    /// A member's contents as consecutive pieces (e.g. an NPY header and the tensor's bytes).
    struct Member {
        var name: String
        var pieces: [ByteSlice]
        var size: Int { pieces.reduce(0) { $0 + $1.count } }
    }

    var forceZip64 = false

    /// Writes `members` as an archive through `write`.
    func write(
        _ members: [Member], file: String, to write: (ByteWriter) throws -> Void, pieces: (ByteSlice) throws -> Void
    ) throws {
        var names = Set<String>()
        var offset = 0
        var central = ByteWriter()
        for member in members {
            guard names.insert(member.name).inserted else {
                throw FormatError(file: file, reason: .duplicateKey(member.name))
            }
            let name = Array(member.name.utf8)
            guard name.count <= Int(UInt16.max) else {
                throw FormatError(
                    file: file, tensor: member.name, reason: .notRepresentable("member name longer than 65535 bytes"))
            }
            let size = member.size
            let crc = member.pieces.reduce(UInt32(0)) { Zlib.crc32($1, running: $0) }
            let zip64 = forceZip64 || size >= 0xFFFF_FFFF || offset >= 0xFFFF_FFFF
            let version: UInt16 = zip64 ? 45 : 20
            let flags: UInt16 = 0x0800  // names are UTF-8

            var local = ByteWriter()
            local.u32(ZipReader.localSignature)
            local.u16(version)
            local.u16(flags)
            local.u16(0)  // stored
            local.u16(0)  // time 00:00:00
            local.u16(0x21)  // date 1980-01-01
            local.u32(crc)
            local.u32(zip64 ? 0xFFFF_FFFF : UInt32(size))
            local.u32(zip64 ? 0xFFFF_FFFF : UInt32(size))
            local.u16(UInt16(name.count))
            local.u16(zip64 ? 20 : 0)
            local.append(name)
            if zip64 {
                local.u16(0x0001)
                local.u16(16)
                local.u64(UInt64(size))
                local.u64(UInt64(size))
            }
            try write(local)
            for piece in member.pieces { try pieces(piece) }

            central.u32(ZipReader.centralSignature)
            central.u16(0x0300 | version)  // made by Unix
            central.u16(version)
            central.u16(flags)
            central.u16(0)
            central.u16(0)
            central.u16(0x21)
            central.u32(crc)
            central.u32(zip64 ? 0xFFFF_FFFF : UInt32(size))
            central.u32(zip64 ? 0xFFFF_FFFF : UInt32(size))
            central.u16(UInt16(name.count))
            central.u16(zip64 ? 28 : 0)
            central.u16(0)  // comment
            central.u16(0)  // disk
            central.u16(0)  // internal attributes
            central.u32(0o100644 << 16)  // regular file, rw-r--r--
            central.u32(zip64 ? 0xFFFF_FFFF : UInt32(offset))
            central.append(name)
            if zip64 {
                central.u16(0x0001)
                central.u16(24)
                central.u64(UInt64(size))
                central.u64(UInt64(size))
                central.u64(UInt64(offset))
            }
            offset += local.bytes.count + size
        }
        let directoryOffset = offset
        let directorySize = central.bytes.count
        var end = central
        let zip64End =
            forceZip64 || members.count >= 0xFFFF || directoryOffset >= 0xFFFF_FFFF || directorySize >= 0xFFFF_FFFF
        if zip64End {
            let recordOffset = directoryOffset + directorySize
            end.u32(ZipReader.zip64EndSignature)
            end.u64(44)  // size of the rest of this record
            end.u16(0x0300 | 45)
            end.u16(45)
            end.u32(0)
            end.u32(0)
            end.u64(UInt64(members.count))
            end.u64(UInt64(members.count))
            end.u64(UInt64(directorySize))
            end.u64(UInt64(directoryOffset))
            end.u32(ZipReader.zip64LocatorSignature)
            end.u32(0)
            end.u64(UInt64(recordOffset))
            end.u32(1)  // total disks
        }
        end.u32(ZipReader.endSignature)
        end.u16(0)
        end.u16(0)
        end.u16(zip64End ? 0xFFFF : UInt16(members.count))
        end.u16(zip64End ? 0xFFFF : UInt16(members.count))
        end.u32(zip64End ? 0xFFFF_FFFF : UInt32(directorySize))
        end.u32(zip64End ? 0xFFFF_FFFF : UInt32(directoryOffset))
        end.u16(0)  // comment length
        try write(end)
    }
}
