/// A restricted unpickler: runs the pickle virtual machine (CPython's `pickletools`, protocols 2–5)
/// over one pickle for the data of a PyTorch state dict — the equivalent of
/// `torch.load(…, weights_only=True)` — and never imports or executes anything.
///
/// The machine keeps a stack, a mark stack and a memo. Opcodes push plain data (ints, floats,
/// strings, bytes, None, bools), build tuples, lists and dicts, look up globals and call them:
/// `GLOBAL`/`STACK_GLOBAL` resolve only ``TorchGlobal``'s allowlist (anything else, e.g.
/// `posix.system` or `builtins.eval`, throws ``FormatError/Reason/forbiddenGlobal(name:offset:)``),
/// and `REDUCE` "calls" an allowed global by building the value it describes. `BUILD` validates and
/// drops its state (an `OrderedDict`'s `_metadata`). `BINPERSID` hands the persistent id to the
/// caller, which returns a storage. Opcodes outside protocols 0–5 throw
/// ``FormatError/Reason/unknownOpcode(byte:offset:)``; those that would construct arbitrary
/// objects (`NEWOBJ`, `INST`, `OBJ`, extensions) or never occur in `torch.save` output throw
/// ``FormatError/Reason/unsupportedOpcode(name:byte:offset:)``.
///
/// Bounds: every length is checked against the bytes left; the stack, memo and mark stack have
/// fixed limits (``maxStack``, ``maxMemo``, ``maxMarks``), and so has container nesting
/// (``maxDepth``). Each opcode pushes at most one value and allocates at most its own length, so
/// time and memory are O(pickle size). Containers are torn down iteratively afterwards
/// (``withValue(of:file:member:startingAt:limits:persistentLoad:body:)``), so deep or cyclic
/// structures (a list appended to itself) neither overflow the stack on release nor leak.
struct PickleMachine {
    /// What a resolver or call rejects; the machine adds the file, member and offset.
    struct Refusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static let maxStack = 1 << 22
    static let maxMemo = 1 << 22
    static let maxMarks = 256
    static let maxDepth = 256

    let file: String
    let member: String?
    let maxRank: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [UInt32: PickleValue] = [:]
    /// Every container built, for the iterative teardown.
    private var sequences: [PickleSequence] = []
    private var dictionaries: [PickleDictionary] = []

    private init(file: String, member: String?, maxRank: Int) {
        self.file = file
        self.member = member
        self.maxRank = maxRank
    }

    /// Runs the pickle starting at `offset` of `bytes`, calls `body` with the value `STOP` returns
    /// and the offset just past `STOP`, then tears the object graph down.
    ///
    /// `persistentLoad` receives each persistent id (`BINPERSID`) and returns the object it names;
    /// a ``Refusal`` it throws becomes a ``FormatError`` naming the offset.
    static func withValue<R>(
        of bytes: UnsafeRawBufferPointer, file: String, member: String?, startingAt offset: Int = 0,
        limits: FormatLimits = .standard, persistentLoad: (PickleValue) throws -> PickleValue,
        body: (PickleValue, Int) throws -> R
    ) throws -> R {
        var machine = PickleMachine(file: file, member: member, maxRank: limits.maxRank)
        defer { machine.tearDown() }
        let (value, end) = try machine.run(bytes, offset: offset, persistentLoad: persistentLoad)
        return try body(value, end)
    }

    /// Empties every container so releasing them recurses no deeper than one level.
    private mutating func tearDown() {
        stack = []
        memo = [:]
        for s in sequences { s.items = [] }
        for d in dictionaries { d.removeAll() }
        sequences = []
        dictionaries = []
    }

    private func error(_ reason: FormatError.Reason) -> FormatError {
        FormatError(file: file, tensor: member, reason: reason)
    }

    private func malformed(_ detail: String, at offset: Int) -> FormatError {
        error(.malformedPickle(detail: detail, offset: offset))
    }

    private mutating func run(
        _ bytes: UnsafeRawBufferPointer, offset start: Int, persistentLoad: (PickleValue) throws -> PickleValue
    ) throws -> (PickleValue, Int) {
        var cursor = ByteCursor(bytes, file: file, offset: start, tensor: member)
        while true {
            let at = cursor.offset
            let byte = try cursor.u8("pickle opcode (the pickle ends without STOP)")
            guard let opcode = PickleOpcode(rawValue: byte) else { throw error(.unknownOpcode(byte: byte, offset: at)) }
            guard opcode.isSupported else {
                throw error(.unsupportedOpcode(name: opcode.name, byte: byte, offset: at))
            }
            do {
                if let result = try step(opcode, at: at, cursor: &cursor, persistentLoad: persistentLoad) {
                    return (result, cursor.offset)
                }
            } catch let refusal as Refusal {
                throw malformed(refusal.message, at: at)
            }
            guard stack.count <= Self.maxStack else {
                throw error(
                    .absurdSize(what: "pickle stack depth", value: UInt64(stack.count), limit: UInt64(Self.maxStack)))
            }
        }
    }

    // MARK: Stack helpers

    private mutating func pop(at offset: Int) throws -> PickleValue {
        guard let top = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw malformed("pop from an empty stack", at: offset)
        }
        return top
    }

    /// The items above the topmost mark, removed with the mark.
    private mutating func popToMark(at offset: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw malformed("no MARK before this opcode", at: offset) }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func sequence(_ items: [PickleValue], at offset: Int) throws -> PickleSequence {
        let s = PickleSequence(items)
        guard s.depth <= Self.maxDepth else {
            throw error(.absurdSize(what: "pickle nesting depth", value: UInt64(s.depth), limit: UInt64(Self.maxDepth)))
        }
        sequences.append(s)
        return s
    }

    private mutating func dictionary() -> PickleDictionary {
        let d = PickleDictionary()
        dictionaries.append(d)
        return d
    }

    private func setItems(_ items: [PickleValue], into target: PickleValue, at offset: Int) throws {
        guard case .dict(let d) = target else {
            throw malformed("SETITEM(S) on \(target.typeName), not a dict", at: offset)
        }
        guard items.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of items", at: offset) }
        for i in stride(from: 0, to: items.count, by: 2) { d.set(items[i], items[i + 1]) }
        guard d.depth <= Self.maxDepth else {
            throw error(.absurdSize(what: "pickle nesting depth", value: UInt64(d.depth), limit: UInt64(Self.maxDepth)))
        }
    }

    private func append(_ items: [PickleValue], to target: PickleValue, at offset: Int) throws {
        guard case .list(let list) = target else {
            throw malformed("APPEND(S) on \(target.typeName), not a list", at: offset)
        }
        list.items += items
        list.depth = max(list.depth, 1 + (items.map(\.depth).max() ?? 0))
        guard list.depth <= Self.maxDepth else {
            throw error(
                .absurdSize(what: "pickle nesting depth", value: UInt64(list.depth), limit: UInt64(Self.maxDepth)))
        }
    }

    private mutating func put(_ index: UInt32, at offset: Int) throws {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else {
            throw malformed("memoising from an empty stack", at: offset)
        }
        if memo[index] == nil && memo.count >= Self.maxMemo {
            throw error(
                .absurdSize(what: "pickle memo size", value: UInt64(memo.count + 1), limit: UInt64(Self.maxMemo)))
        }
        memo[index] = top
    }

    private func get(_ index: UInt32, at offset: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw malformed("memo entry \(index) is not set", at: offset) }
        return value
    }

    private func text(_ raw: UnsafeRawBufferPointer, at offset: Int) throws -> String {
        do { try validateUTF8(raw, file: file) } catch { throw malformed("a string is not valid UTF-8", at: offset) }
        return String(decoding: raw, as: UTF8.self)
    }

    private mutating func resolve(module: String, name: String, at offset: Int) throws -> PickleValue {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw error(.forbiddenGlobal(name: module + "." + name, offset: offset))
        }
        return .global(global)
    }

    /// A length prefix, checked against the bytes left.
    private func length(_ value: UInt64, cursor: ByteCursor, what: String) throws -> Int {
        guard value <= UInt64(cursor.remaining) else {
            throw error(
                .truncated(what: what, offset: cursor.offset, needed: Int(clamping: value), available: cursor.remaining)
            )
        }
        return Int(value)
    }

    // MARK: One opcode

    /// Executes `opcode` (already read at `at`); returns the result at `STOP`.
    private mutating func step(
        _ opcode: PickleOpcode, at: Int, cursor: inout ByteCursor, persistentLoad: (PickleValue) throws -> PickleValue
    ) throws -> PickleValue? {
        switch opcode {
        case .proto:
            let version = try cursor.u8("protocol version")
            guard version <= 5 else { throw error(.unsupported("pickle protocol \(version) (at most 5)")) }
        case .frame:
            // Framing only groups opcodes for buffered reading; the contents follow as usual.
            _ = try cursor.u64("frame length")
        case .stop:
            let value = try pop(at: at)
            guard stack.isEmpty, marks.isEmpty else { throw malformed("STOP with items left on the stack", at: at) }
            return value
        case .mark:
            guard marks.count < Self.maxMarks else {
                throw error(
                    .absurdSize(
                        what: "pickle MARK nesting", value: UInt64(marks.count + 1), limit: UInt64(Self.maxMarks)))
            }
            marks.append(stack.count)
        case .pop:
            _ = try pop(at: at)
        case .popMark:
            _ = try popToMark(at: at)
        case .dup:
            let top = try pop(at: at)
            stack += [top, top]
        case .none:
            stack.append(.none)
        case .newTrue:
            stack.append(.bool(true))
        case .newFalse:
            stack.append(.bool(false))
        case .binInt:
            stack.append(.int(Int64(Int32(bitPattern: try cursor.u32("BININT")))))
        case .binInt1:
            stack.append(.int(Int64(try cursor.u8("BININT1"))))
        case .binInt2:
            stack.append(.int(Int64(try cursor.u16("BININT2"))))
        case .long1, .long4:
            let n =
                opcode == .long1
                ? Int(try cursor.u8("LONG1 length"))
                : try length(UInt64(try cursor.u32("LONG4 length")), cursor: cursor, what: "LONG4 bytes")
            let raw = Array(try cursor.bytes(n, for: "\(opcode.name) bytes"))
            if raw.count <= 8 {
                // Little-endian two's complement, sign-extended.
                var value: Int64 = raw.last.map { $0 >= 0x80 ? -1 : 0 } ?? 0
                for b in raw.reversed() { value = (value << 8) | Int64(b) }
                stack.append(.int(value))
            } else {
                stack.append(.largeInt(raw))
            }
        case .binFloat:
            stack.append(
                .float(
                    Double(
                        bitPattern: UInt64(try cursor.u32BE("BINFLOAT high")) << 32
                            | UInt64(try cursor.u32BE("BINFLOAT low")))))
        case .binUnicode, .shortBinUnicode, .binUnicode8:
            let declared: UInt64
            switch opcode {
            case .shortBinUnicode: declared = UInt64(try cursor.u8("SHORT_BINUNICODE length"))
            case .binUnicode: declared = UInt64(try cursor.u32("BINUNICODE length"))
            default: declared = try cursor.u64("BINUNICODE8 length")
            }
            let n = try length(declared, cursor: cursor, what: "\(opcode.name) text")
            stack.append(.string(try text(try cursor.bytes(n, for: "\(opcode.name) text"), at: at)))
        case .binBytes, .shortBinBytes, .binBytes8:
            let declared: UInt64
            switch opcode {
            case .shortBinBytes: declared = UInt64(try cursor.u8("SHORT_BINBYTES length"))
            case .binBytes: declared = UInt64(try cursor.u32("BINBYTES length"))
            default: declared = try cursor.u64("BINBYTES8 length")
            }
            let n = try length(declared, cursor: cursor, what: "\(opcode.name) data")
            stack.append(.bytes(Array(try cursor.bytes(n, for: "\(opcode.name) data"))))
        case .emptyTuple:
            stack.append(.tuple(try sequence([], at: at)))
        case .tuple:
            stack.append(.tuple(try sequence(try popToMark(at: at), at: at)))
        case .tuple1, .tuple2, .tuple3:
            let n = opcode == .tuple1 ? 1 : opcode == .tuple2 ? 2 : 3
            guard stack.count - (marks.last ?? 0) >= n else {
                throw malformed("\(opcode.name) needs \(n) items", at: at)
            }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            stack.append(.tuple(try sequence(items, at: at)))
        case .emptyList:
            stack.append(.list(try sequence([], at: at)))
        case .list:
            stack.append(.list(try sequence(try popToMark(at: at), at: at)))
        case .emptyDict:
            stack.append(.dict(dictionary()))
        case .dict:
            let items = try popToMark(at: at)
            let d = dictionary()
            try setItems(items, into: .dict(d), at: at)
            stack.append(.dict(d))
        case .setItem:
            let value = try pop(at: at)
            let key = try pop(at: at)
            try setItems([key, value], into: try top(at: at), at: at)
        case .setItems:
            let items = try popToMark(at: at)
            try setItems(items, into: try top(at: at), at: at)
        case .append:
            let value = try pop(at: at)
            try append([value], to: try top(at: at), at: at)
        case .appends:
            let items = try popToMark(at: at)
            try append(items, to: try top(at: at), at: at)
        case .binPut:
            try put(UInt32(try cursor.u8("BINPUT index")), at: at)
        case .longBinPut:
            try put(try cursor.u32("LONG_BINPUT index"), at: at)
        case .memoize:
            guard memo.count < Int(UInt32.max) else { throw malformed("memo full", at: at) }
            try put(UInt32(memo.count), at: at)
        case .binGet:
            stack.append(try get(UInt32(try cursor.u8("BINGET index")), at: at))
        case .longBinGet:
            stack.append(try get(try cursor.u32("LONG_BINGET index"), at: at))
        case .global:
            let module = try line(&cursor, what: "GLOBAL module", at: at)
            let name = try line(&cursor, what: "GLOBAL name", at: at)
            stack.append(try resolve(module: module, name: name, at: at))
        case .stackGlobal:
            let name = try pop(at: at)
            let module = try pop(at: at)
            guard case .string(let m) = module, case .string(let n) = name else {
                throw malformed("STACK_GLOBAL needs two strings", at: at)
            }
            stack.append(try resolve(module: m, name: n, at: at))
        case .reduce:
            let arguments = try pop(at: at)
            let callable = try pop(at: at)
            guard case .global(let global) = callable else {
                throw malformed("REDUCE calls \(callable.typeName), which is not an allowed global", at: at)
            }
            guard case .tuple(let args) = arguments else { throw malformed("REDUCE arguments are not a tuple", at: at) }
            let result = try global.call(args.items, maxRank: maxRank)
            // OrderedDict() makes a container: register it for the teardown like any other.
            if case .dict(let d) = result { dictionaries.append(d) }
            stack.append(result)
        case .build:
            // The state of an OrderedDict (its `_metadata`) or a parameter: data, validated, unused.
            _ = try pop(at: at)
            _ = try top(at: at)
        case .binPersistentID:
            let id = try pop(at: at)
            stack.append(try persistentLoad(id))
        default:
            throw error(.unsupportedOpcode(name: opcode.name, byte: opcode.rawValue, offset: at))
        }
        return nil
    }

    private func top(at offset: Int) throws -> PickleValue {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else {
            throw malformed("the opcode needs an object on the stack", at: offset)
        }
        return top
    }

    /// A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes.
    private func line(_ cursor: inout ByteCursor, what: String, at offset: Int) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try cursor.u8(what)
            if b == 0x0A { break }
            guard bytes.count < 256, b >= 0x20, b < 0x7F else {
                throw malformed("\(what) is not a short ASCII line", at: offset)
            }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
