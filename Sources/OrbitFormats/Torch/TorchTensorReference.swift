/// A storage a pickle names by persistent id `('storage', torch.FloatStorage, key, location, numel)`:
/// `numel` elements of `dtype`, stored as zip member `data/<key>` (or, in the legacy format, after
/// the pickles under `key`).
final class TorchStorageReference {
    let key: String
    let dtype: TensorDType
    let elementCount: Int

    init(key: String, dtype: TensorDType, elementCount: Int) {
        self.key = key
        self.dtype = dtype
        self.elementCount = elementCount
    }
}

/// A tensor as `_rebuild_tensor_v2` describes it: a strided view of a storage. Element
/// `(i₀, …, i_{r−1})` is storage element `offset + Σ iₖ·strideₖ`.
final class TorchTensorReference {
    let storage: TorchStorageReference
    let offset: Int
    let shape: [Int]
    let strides: [Int]

    init(storage: TorchStorageReference, offset: Int, shape: [Int], strides: [Int]) {
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.strides = strides
    }

    /// The tensor's elements, row-major, as a ``RawTensor`` called `name`.
    ///
    /// `storageBytes` holds the storage's elements (little-endian). The view must lie inside them:
    /// its last element `offset + Σ (sizeₖ − 1)·strideₖ` (computed with overflow checks) must be
    /// below the element count, else ``FormatError/Reason/storageTooShort(storage:shape:needed:available:)``
    /// names the tensor. A contiguous view shares `storageBytes`; any other is copied element by
    /// element — O(elements), charged to `copyBudget` (bytes), which keeps a hostile file's views
    /// of one storage from allocating more than the file justifies.
    func materialize(
        name: String, storageBytes: ByteSlice, file: String, copyBudget: inout Int
    ) throws -> RawTensor {
        func fail(_ reason: FormatError.Reason) -> FormatError { FormatError(file: file, tensor: name, reason: reason) }
        let itemSize = storage.dtype.byteSize
        let available = min(storage.elementCount, storageBytes.count / itemSize)
        var count = 1
        var last = offset
        var overflow = false
        for (size, stride) in zip(shape, strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            count = c
            overflow = overflow || o1
            if size > 0 {
                let (step, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o3) = last.addingReportingOverflow(step)
                last = sum
                overflow = overflow || o2 || o3
            }
        }
        if overflow {
            throw fail(.shapeOverflow(shape: shape.map { UInt64($0) }, itemSize: itemSize))
        }
        // `last < available` rather than `last + 1 <= available`: last may be Int.max.
        guard count == 0 || last < available else {
            throw fail(
                .storageTooShort(
                    storage: storage.key, shape: shape, needed: last < Int.max ? last + 1 : Int.max,
                    available: available))
        }
        if count == 0 {
            return try RawTensor(name: name, dtype: storage.dtype, shape: shape, bytes: ByteSlice([]), file: file)
        }
        // Row-major strides: the view is the contiguous run [offset, offset + count).
        var contiguous = true
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { contiguous = false }
            expected *= size
        }
        if contiguous {
            let bytes = storageBytes[(offset * itemSize)..<((offset + count) * itemSize)]
            return try RawTensor(name: name, dtype: storage.dtype, shape: shape, bytes: bytes, file: file)
        }
        let byteCount = count * itemSize  // ≤ needed × itemSize ≤ the storage's bytes, so no overflow
        guard byteCount <= copyBudget else {
            throw fail(
                .absurdSize(
                    what: "bytes copied to make strided views contiguous", value: UInt64(byteCount),
                    limit: UInt64(copyBudget)))
        }
        copyBudget -= byteCount
        let rank = shape.count
        let bytes = storageBytes.withUnsafeBytes { source in
            ByteSlice(count: byteCount) { target in
                // An odometer over the index, carrying the storage position along.
                var index = [Int](repeating: 0, count: rank)
                var position = offset
                for element in 0..<count {
                    (target.baseAddress! + element * itemSize).copyMemory(
                        from: source.baseAddress! + position * itemSize, byteCount: itemSize)
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        position += strides[axis]
                        if index[axis] < shape[axis] { break }
                        position -= strides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return try RawTensor(name: name, dtype: storage.dtype, shape: shape, bytes: bytes, file: file)
    }
}
