/// The shape of a 2-D max or average pooling over NCHW samples (PyTorch `MaxPool2d` / `AvgPool2d` with
/// ceil_mode = False, dilation = 1): out = ⌊(in + 2·padding − kernel) / stride⌋ + 1 per axis, each
/// channel pooled on its own.
public struct Pool2dGeometry: Hashable, Sendable, CustomStringConvertible {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideHeight: Int
    public let strideWidth: Int
    public let paddingHeight: Int
    public let paddingWidth: Int

    /// PyTorch's rule: padding at most half the kernel (so every window holds an input element).
    public init(
        channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideHeight: Int,
        strideWidth: Int, paddingHeight: Int = 0, paddingWidth: Int = 0
    ) {
        precondition(
            channels > 0 && height > 0 && width > 0 && kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0
                && strideWidth > 0,
            "Pool2dGeometry: non-positive size, kernel or stride")
        precondition(
            paddingHeight >= 0 && paddingWidth >= 0 && 2 * paddingHeight <= kernelHeight
                && 2 * paddingWidth <= kernelWidth,
            "Pool2dGeometry: padding \(paddingHeight)×\(paddingWidth) must be at most half the kernel "
                + "\(kernelHeight)×\(kernelWidth)")
        precondition(
            height + 2 * paddingHeight >= kernelHeight && width + 2 * paddingWidth >= kernelWidth,
            "Pool2dGeometry: kernel \(kernelHeight)×\(kernelWidth) larger than the padded input")
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
    }

    /// A square k×k window with stride s (PyTorch's default stride is the kernel size).
    public init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(
            channels: channels, height: height, width: width, kernelHeight: kernel, kernelWidth: kernel,
            strideHeight: stride ?? kernel, strideWidth: stride ?? kernel, paddingHeight: padding,
            paddingWidth: padding)
    }

    public var outHeight: Int { (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    public var outWidth: Int { (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }
    /// C·H·W, the length of one input row.
    public var inputSize: Int { channels * height * width }
    /// C·H_out·W_out, the length of one output row.
    public var outputSize: Int { channels * outHeight * outWidth }

    /// The input rows [start, end) of output row p, clipped to the input (window start may be negative).
    @inline(__always)
    func rowWindow(_ p: Int) -> (start: Int, end: Int) {
        let start = p * strideHeight - paddingHeight
        return (Swift.max(start, 0), Swift.min(start + kernelHeight, height))
    }

    /// The input columns [start, end) of output column q, clipped to the input.
    @inline(__always)
    func columnWindow(_ q: Int) -> (start: Int, end: Int) {
        let start = q * strideWidth - paddingWidth
        return (Swift.max(start, 0), Swift.min(start + kernelWidth, width))
    }

    public var description: String {
        "pool \(channels)×\(height)×\(width) → \(channels)×\(outHeight)×\(outWidth), kernel "
            + "\(kernelHeight)×\(kernelWidth), stride \(strideHeight)×\(strideWidth), "
            + "padding \(paddingHeight)×\(paddingWidth)"
    }
}
