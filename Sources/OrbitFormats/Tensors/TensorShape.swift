/// Element and byte counts of tensor shapes, with overflow checks.
///
/// Declared shapes come from untrusted headers, so their product is computed with
/// `multipliedReportingOverflow` in 64 bits: a shape such as [2⁴⁰, 2⁴⁰] is an error, never a wrap
/// to a small number that would pass the size check.
enum TensorShape {
    /// The number of elements of `shape` (1 for a scalar), or `nil` on overflow.
    static func elementCount(_ shape: [UInt64]) -> UInt64? {
        var product: UInt64 = 1
        for d in shape {
            let (p, overflow) = product.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            product = p
        }
        return product
    }

    /// The number of bytes of a `shape` tensor of `itemSize`-byte elements, as an `Int`;
    /// throws ``FormatError/Reason/shapeOverflow(shape:itemSize:)`` if it does not fit.
    ///
    /// The product of the *non-zero* dimensions must fit as well, so an empty tensor cannot smuggle
    /// in dimensions such as [2⁶⁴ − 1, 0] that would overflow any later arithmetic on the shape.
    static func byteCount(_ shape: [UInt64], itemSize: Int, file: String, tensor: String?) throws -> Int {
        let overflow = FormatError(file: file, tensor: tensor, reason: .shapeOverflow(shape: shape, itemSize: itemSize))
        guard let nonZero = elementCount(shape.filter { $0 != 0 }) else { throw overflow }
        let (bytes, overflowed) = nonZero.multipliedReportingOverflow(by: UInt64(itemSize))
        guard !overflowed, bytes <= UInt64(Int.max) else { throw overflow }
        return shape.contains(0) ? 0 : Int(bytes)
    }

    /// `shape` as `[Int]`, after ``byteCount(_:itemSize:file:tensor:)`` has bounded it.
    static func ints(_ shape: [UInt64]) -> [Int] { shape.map { Int($0) } }
}
