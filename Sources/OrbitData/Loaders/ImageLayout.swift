import OrbitFormats
import OrbitNumerics

/// How a rank-4 array of images orders its axes: N×C×H×W (PyTorch, Orbit's own order) or N×H×W×C
/// (TensorFlow, NumPy image stacks).
public enum ImageLayout: String, Sendable, Equatable, CaseIterable {
    case nchw
    case nhwc

    /// The channel counts that identify an axis as the channel axis.
    static let channelCounts: Set<Int> = [1, 3, 4]

    /// The layout of an N×A×B×D `shape`: NCHW when A is a channel count (1, 3 or 4; preferred
    /// when both qualify, as in N×3×32×3), else NHWC when D is one, else nil (ambiguous).
    static func detected(in shape: [Int]) -> ImageLayout? {
        precondition(shape.count == 4, "not a rank-4 shape: \(shape)")
        if channelCounts.contains(shape[1]) { return .nchw }
        if channelCounts.contains(shape[3]) { return .nhwc }
        return nil
    }
}

extension RawTensor {
    /// The first `n` entries along axis 0 (all if fewer): a slice of the same bytes, no copy.
    func prefixAlongFirstAxis(_ n: Int?) -> RawTensor {
        guard let n, let first = shape.first, n < first else { return self }
        let stride = first == 0 ? 0 : bytes.count / first
        // The shape and byte count agree by construction.
        return try! RawTensor(
            name: name, dtype: dtype, shape: [n] + shape.dropFirst(), bytes: bytes[0..<(n * stride)])
    }

    /// An N×H×W×C tensor's elements reordered to N×C×H×W: out[n, c, h, w] = in[n, h, w, c].
    ///
    /// Each sample is an (H·W)×C matrix transposed to C×(H·W), moved as whole elements of the
    /// dtype's width, so every dtype keeps its exact bits. O(N·H·W·C), split across threads by sample.
    func transposedFromNHWCToNCHW() -> RawTensor {
        precondition(shape.count == 4, "not a rank-4 tensor: \(shape)")
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let transposed: ByteSlice
        switch dtype.byteSize {
        case 1: transposed = Self.transpose(bytes, as: UInt8.self, samples: n, pixels: h * w, channels: c)
        case 2: transposed = Self.transpose(bytes, as: UInt16.self, samples: n, pixels: h * w, channels: c)
        case 4: transposed = Self.transpose(bytes, as: UInt32.self, samples: n, pixels: h * w, channels: c)
        case 8: transposed = Self.transpose(bytes, as: UInt64.self, samples: n, pixels: h * w, channels: c)
        default: preconditionFailure("no \(dtype.byteSize)-byte elements")
        }
        // The element count is unchanged, so the byte count matches the new shape.
        return try! RawTensor(name: name, dtype: dtype, shape: [n, c, h, w], bytes: transposed)
    }

    private static func transpose<T: FixedWidthInteger>(
        _ bytes: ByteSlice, as _: T.Type, samples: Int, pixels: Int, channels: Int
    ) -> ByteSlice {
        let perSample = pixels * channels
        return bytes.withUnsafeBytes { raw in
            ByteSlice(count: raw.count) { out in
                guard perSample > 0, let from = raw.baseAddress, let to = out.baseAddress else { return }
                // The file buffer need not be aligned for T: copy it once if it is not.
                let aligned = Int(bitPattern: from) % MemoryLayout<T>.alignment == 0
                let staging =
                    aligned ? nil : UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 16)
                defer { staging?.deallocate() }
                if let staging { staging.copyMemory(from: raw) }
                let source = SendablePointer(
                    (staging?.baseAddress.map(UnsafeRawPointer.init) ?? from)
                        .assumingMemoryBound(to: T.self))
                let destination = SendableMutablePointer(to.assumingMemoryBound(to: T.self))
                parallelChunks(count: samples, costPerElement: perSample) { _, range in
                    let (p, q) = (source.pointer, destination.pointer)
                    for s in range {
                        let input = p + s &* perSample
                        let output = q + s &* perSample
                        var pixel = 0
                        while pixel < pixels {
                            var channel = 0
                            while channel < channels {
                                output[channel &* pixels &+ pixel] = input[pixel &* channels &+ channel]
                                channel &+= 1
                            }
                            pixel &+= 1
                        }
                    }
                }
            }
        }
    }
}
