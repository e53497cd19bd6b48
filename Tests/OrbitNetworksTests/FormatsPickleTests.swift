import Foundation
import Testing

@testable import OrbitFormats

/// The restricted unpickler on hand-made pickles: the opcodes of a state dict give the right values,
/// and everything else — unknown or object-building opcodes, globals off the allowlist, broken
/// structure, hostile sizes and nesting — is refused with a one-line error naming the offset.
@Suite struct FormatsPickleTests {
    /// Pickle bytes from opcodes and arguments.
    struct P {
        var bytes: [UInt8] = [0x80, 2]
        mutating func op(_ o: PickleOpcode) { bytes.append(o.rawValue) }
        mutating func raw(_ b: [UInt8]) { bytes += b }
        mutating func string(_ s: String) {
            op(.binUnicode)
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { bytes += $0 }
            bytes += Array(s.utf8)
        }
        mutating func int(_ i: Int32) {
            op(.binInt)
            withUnsafeBytes(of: i.littleEndian) { bytes += $0 }
        }
        mutating func global(_ m: String, _ n: String) {
            op(.global)
            bytes += Array((m + "\n" + n + "\n").utf8)
        }
        /// `_rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`.
        mutating func tensor(key: String, numel: Int32, offset: Int64, size: [Int32], stride: [Int32]) {
            global("torch._utils", "_rebuild_tensor_v2")
            op(.mark)
            op(.mark)
            string("storage")
            global("torch", "FloatStorage")
            string(key)
            string("cpu")
            int(numel)
            op(.tuple)
            op(.binPersistentID)
            if let small = Int32(exactly: offset) {
                int(small)
            } else {
                raw([PickleOpcode.long1.rawValue, 8])
                withUnsafeBytes(of: offset.littleEndian) { bytes += $0 }
            }
            op(.mark)
            for s in size { int(s) }
            op(.tuple)
            op(.mark)
            for s in stride { int(s) }
            op(.tuple)
            op(.newFalse)
            global("collections", "OrderedDict")
            op(.emptyTuple)
            op(.reduce)
            op(.tuple)
            op(.reduce)
        }
    }

    static func parse(_ p: P, storages: [String: [Float]] = [:]) throws -> TorchCheckpointFile {
        try TorchCheckpointFile.parse(
            pickle: ByteSlice(p.bytes), storages: storages.mapValues { ByteSlice(littleEndianBytes($0)) }, file: "t.pkl"
        )
    }

    static func reason(_ p: P, storages: [String: [Float]] = [:]) -> FormatError.Reason? {
        formatError { _ = try parse(p, storages: storages) }?.reason
    }

    @Test func aHandMadeStateDictLoads() throws {
        var p = P()
        p.op(.emptyDict)
        p.op(.mark)
        p.string("w")
        p.tensor(key: "0", numel: 6, offset: 0, size: [2, 3], stride: [3, 1])
        p.string("wT")  // the same storage transposed
        p.tensor(key: "0", numel: 6, offset: 0, size: [3, 2], stride: [1, 3])
        p.string("tail")  // an offset view
        p.tensor(key: "0", numel: 6, offset: 4, size: [2], stride: [1])
        p.op(.setItems)
        p.op(.stop)
        let file = try Self.parse(p, storages: ["0": [1, 2, 3, 4, 5, 6]])
        #expect(file.tensors.map(\.name) == ["w", "wT", "tail"])
        #expect(file.tensors[0].floats() == [1, 2, 3, 4, 5, 6])
        #expect(file.tensors[1].floats() == [1, 4, 2, 5, 3, 6])
        #expect(file.tensors[2].floats() == [5, 6])
    }

    @Test func aViewBeyondItsStorageNamesTheTensor() throws {
        var p = P()
        p.op(.emptyDict)
        p.string("fc.weight")
        p.tensor(key: "0", numel: 6, offset: 1, size: [2, 3], stride: [3, 1])
        p.op(.setItem)
        p.op(.stop)
        let error = try #require(formatError { _ = try Self.parse(p, storages: ["0": [1, 2, 3, 4, 5, 6]]) })
        #expect(error.tensor == "fc.weight")
        #expect(error.reason == .storageTooShort(storage: "0", shape: [2, 3], needed: 7, available: 6))
        // An offset at the top of Int64's range: refused, not an overflow trap.
        var far = P()
        far.op(.emptyDict)
        far.string("far")
        far.tensor(key: "0", numel: 6, offset: .max, size: [1], stride: [1])
        far.op(.setItem)
        far.op(.stop)
        #expect(
            Self.reason(far, storages: ["0": [1, 2, 3, 4, 5, 6]])
                == .storageTooShort(storage: "0", shape: [1], needed: Int.max, available: 6))
        var overflowing = P()
        overflowing.op(.emptyDict)
        overflowing.string("huge")
        overflowing.tensor(key: "0", numel: 6, offset: .max - 1, size: [3], stride: [2])
        overflowing.op(.setItem)
        overflowing.op(.stop)
        if case .shapeOverflow = Self.reason(overflowing, storages: ["0": [1, 2, 3, 4, 5, 6]]) {
        } else {
            Issue.record("a view whose last element overflows Int is refused")
        }
    }

    /// A zero stride repeats one element: 2³⁰ copies of it would be 4 GiB from a 4-byte storage.
    /// Strided copies are charged to a budget of the input's size, so the file is refused instead.
    @Test func broadcastViewsCannotAllocateBeyondTheFile() throws {
        var p = P()
        p.op(.emptyDict)
        p.string("broadcast")
        p.tensor(key: "0", numel: 1, offset: 0, size: [1 << 30], stride: [0])
        p.op(.setItem)
        p.op(.stop)
        let error = try #require(formatError { _ = try Self.parse(p, storages: ["0": [1]]) })
        #expect(error.tensor == "broadcast")
        guard case .absurdSize(_, let value, let limit) = error.reason else {
            Issue.record("\(error)")
            return
        }
        #expect(value == 4 << 30 && limit < 1024)
        // A small broadcast within the budget is materialised.
        var small = P()
        small.op(.emptyDict)
        small.string("b")
        small.tensor(key: "0", numel: 1, offset: 0, size: [2, 3], stride: [0, 0])
        small.op(.setItem)
        small.op(.stop)
        #expect(try Self.parse(small, storages: ["0": [2.5]]).tensors[0].floats() == [Float](repeating: 2.5, count: 6))
    }

    @Test func refusedGlobalsAreNamedAndNothingRuns() {
        for (module, name) in [
            ("os", "system"), ("posix", "system"), ("subprocess", "Popen"), ("builtins", "eval"),
            ("builtins", "getattr"), ("torch", "load"), ("torch._utils", "_rebuild_device_tensor_from_numpy"),
        ] {
            var global = P()
            global.global(module, name)
            global.op(.stop)
            #expect(Self.reason(global) == .forbiddenGlobal(name: "\(module).\(name)", offset: 2))
            var stackGlobal = P()
            stackGlobal.string(module)
            stackGlobal.string(name)
            stackGlobal.op(.stackGlobal)
            stackGlobal.op(.stop)
            let offset = 2 + 2 * 5 + module.utf8.count + name.utf8.count
            #expect(Self.reason(stackGlobal) == .forbiddenGlobal(name: "\(module).\(name)", offset: offset))
        }
    }

    @Test func unknownAndObjectBuildingOpcodesAreRefusedByOffset() {
        var unknown = P()
        unknown.op(.none)
        unknown.raw([0xFF])
        #expect(Self.reason(unknown) == .unknownOpcode(byte: 0xFF, offset: 3))
        for opcode in [PickleOpcode.newObj, .inst, .obj, .ext1, .persistentID, .string, .emptySet] {
            var p = P()
            p.op(opcode)
            #expect(Self.reason(p) == .unsupportedOpcode(name: opcode.name, byte: opcode.rawValue, offset: 2))
        }
        var future = P()
        future.bytes = [0x80, 6]
        #expect(Self.reason(future) == .unsupported("pickle protocol 6 (at most 5)"))
    }

    @Test func brokenStructureIsMalformedNotACrash() {
        var cases: [(String, P)] = []
        var noStop = P()
        noStop.op(.emptyDict)
        cases.append(("no STOP", noStop))
        var underflow = P()
        underflow.op(.setItem)
        cases.append(("stack underflow", underflow))
        var missingMemo = P()
        missingMemo.raw([PickleOpcode.binGet.rawValue, 7])
        cases.append(("memo miss", missingMemo))
        var longString = P()
        longString.raw([PickleOpcode.binUnicode.rawValue, 0xFF, 0xFF, 0xFF, 0x7F, 0x41])
        cases.append(("length past the end", longString))
        var badUTF8 = P()
        badUTF8.raw([PickleOpcode.shortBinUnicode.rawValue, 2, 0xC3, 0x28])
        badUTF8.op(.stop)
        cases.append(("invalid UTF-8", badUTF8))
        var reduceData = P()
        reduceData.int(1)
        reduceData.op(.emptyTuple)
        reduceData.op(.reduce)
        cases.append(("REDUCE on an int", reduceData))
        var dtypeCall = P()
        dtypeCall.global("torch", "float32")
        dtypeCall.op(.emptyTuple)
        dtypeCall.op(.reduce)
        cases.append(("calling a dtype", dtypeCall))
        var badPersistentID = P()
        badPersistentID.string("storage")
        badPersistentID.op(.binPersistentID)
        cases.append(("persistent id", badPersistentID))
        var leftovers = P()
        leftovers.op(.none)
        leftovers.op(.none)
        leftovers.op(.stop)
        cases.append(("STOP with leftovers", leftovers))
        for (what, p) in cases {
            #expect(formatError { _ = try Self.parse(p) } != nil, "\(what)")
        }
    }

    /// A list appended to itself, and nesting past the limit: refused or torn down without recursion.
    @Test func cyclesAndDeepNestingAreBounded() {
        var cycle = P()
        cycle.op(.emptyList)
        cycle.raw([PickleOpcode.binPut.rawValue, 0, PickleOpcode.binGet.rawValue, 0])
        cycle.op(.append)
        cycle.op(.stop)
        if case .noTensors = Self.reason(cycle) {} else { Issue.record("a self-containing list is not a state dict") }
        var deep = P()
        deep.op(.none)
        for _ in 0..<(PickleMachine.maxDepth + 1) { deep.op(.tuple1) }
        deep.op(.stop)
        if case .absurdSize(let what, _, _) = Self.reason(deep) {
            #expect(what == "pickle nesting depth")
        } else {
            Issue.record("nesting beyond \(PickleMachine.maxDepth) is refused")
        }
        var marks = P()
        for _ in 0...PickleMachine.maxMarks { marks.op(.mark) }
        if case .absurdSize(let what, _, _) = Self.reason(marks) {
            #expect(what == "pickle MARK nesting")
        } else {
            Issue.record("MARK nesting is bounded")
        }
    }

    /// 100,000 lists chained by APPEND after their creation (so no container's tracked depth grows)
    /// and an OrderedDict holding itself: the machine keeps every container in creation order and
    /// empties them at the end, so releasing the chain never recurses 100,000 deep (which would
    /// overflow the stack) and the cycle is broken rather than leaked.
    @Test func chainsBuiltByMutationAreReleasedWithoutRecursion() {
        let n: UInt32 = 100_000
        var p = P()
        func index(_ opcode: PickleOpcode, _ i: UInt32) {
            p.op(opcode)
            withUnsafeBytes(of: i.littleEndian) { p.bytes += $0 }
        }
        for i in 0..<n {
            p.op(.emptyList)
            index(.longBinPut, i)
            p.op(.pop)
        }
        for i in 0..<(n - 1) {
            index(.longBinGet, i)
            index(.longBinGet, i + 1)
            p.op(.append)
            p.op(.pop)
        }
        p.global("collections", "OrderedDict")
        p.op(.emptyTuple)
        p.op(.reduce)
        index(.longBinPut, n)
        p.string("self")
        index(.longBinGet, n)
        p.op(.setItem)
        p.string("chain")
        index(.longBinGet, 0)
        p.op(.setItem)
        p.op(.stop)
        if case .noTensors = Self.reason(p) {} else { Issue.record("the chain is not a state dict") }
    }

    /// The plain data of a checkpoint's other entries (epochs, floats, lists, bytes, big ints) parses.
    @Test func plainDataOpcodesGiveTheirValues() throws {
        var p = P()
        p.op(.emptyDict)
        p.op(.mark)
        p.string("float")
        p.op(.binFloat)
        withUnsafeBytes(of: (0.875).bitPattern.bigEndian) { p.bytes += $0 }
        p.string("negative")
        p.raw([PickleOpcode.long1.rawValue, 2, 0x00, 0xFF])  // −256
        p.string("magic")
        p.raw([PickleOpcode.long1.rawValue, 10] + TorchCheckpointFile.legacyMagic)
        p.string("latin1")
        p.global("_codecs", "encode")
        p.raw([PickleOpcode.shortBinUnicode.rawValue, 2, 0xC3, 0xA9])  // "é"
        p.string("latin1")
        p.op(.tuple2)
        p.op(.reduce)
        p.string("dtype")
        p.global("torch", "bfloat16")
        p.op(.setItems)
        p.op(.stop)
        let bytes = ByteSlice(p.bytes)
        let summary = try bytes.withUnsafeBytes { raw in
            try PickleMachine.withValue(of: raw, file: "t", member: nil, persistentLoad: { _ in .none }) {
                value, end -> [String] in
                #expect(end == p.bytes.count)
                guard case .dict(let d) = value else { return [] }
                return d.entries.map { "\($0.key.keyDescription)=\(Self.describe($0.value))" }
            }
        }
        #expect(
            summary == [
                "'float'=0.875", "'negative'=-256", "'magic'=large", "'latin1'=[233]", "'dtype'=torch.bfloat16",
            ])
    }

    static func describe(_ value: PickleValue) -> String {
        switch value {
        case .float(let f): return "\(f)"
        case .int(let i): return "\(i)"
        case .largeInt(let b): return b == TorchCheckpointFile.legacyMagic ? "large" : "?"
        case .bytes(let b): return "\(b)"
        case .global(let g): return g.qualifiedName
        default: return value.typeName
        }
    }
}
