/// The shape of one 2-D convolution over NCHW samples (PyTorch `Conv2d`, groups = 1, dilation = 1).
///
/// Output size per axis: out = ⌊(in + 2·padding − kernel) / stride⌋ + 1. The weight is
/// (outChannels, inChannels, kernelHeight, kernelWidth) row-major, as PyTorch stores it, which read
/// as a matrix is outChannels × (inChannels·kernelHeight·kernelWidth): the left factor of the
/// im2col GEMM.
public struct Conv2dGeometry: Hashable, Sendable, CustomStringConvertible {
    public let inChannels: Int
    public let height: Int
    public let width: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideHeight: Int
    public let strideWidth: Int
    public let paddingHeight: Int
    public let paddingWidth: Int

    public init(
        inChannels: Int, height: Int, width: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1, paddingHeight: Int = 0, paddingWidth: Int = 0
    ) {
        precondition(
            inChannels > 0 && height > 0 && width > 0 && outChannels > 0 && kernelHeight > 0 && kernelWidth > 0
                && strideHeight > 0 && strideWidth > 0 && paddingHeight >= 0 && paddingWidth >= 0,
            "Conv2dGeometry: non-positive size, kernel or stride, or negative padding")
        precondition(
            height + 2 * paddingHeight >= kernelHeight && width + 2 * paddingWidth >= kernelWidth,
            "Conv2dGeometry: kernel \(kernelHeight)×\(kernelWidth) larger than the padded input "
                + "\(height + 2 * paddingHeight)×\(width + 2 * paddingWidth)")
        self.inChannels = inChannels
        self.height = height
        self.width = width
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
    }

    public var outHeight: Int { (height + 2 * paddingHeight - kernelHeight) / strideHeight + 1 }
    public var outWidth: Int { (width + 2 * paddingWidth - kernelWidth) / strideWidth + 1 }
    /// C·H·W, the length of one input row.
    public var inputSize: Int { inChannels * height * width }
    /// C_out·H_out·W_out, the length of one output row.
    public var outputSize: Int { outChannels * outHeight * outWidth }
    /// C_in·kH·kW: the rows of the column matrix and the columns of the weight matrix.
    public var patchSize: Int { inChannels * kernelHeight * kernelWidth }
    /// H_out·W_out: the columns of the column matrix.
    public var outputPositions: Int { outHeight * outWidth }
    /// C_out·C_in·kH·kW weights.
    public var weightCount: Int { outChannels * patchSize }
    /// A 1×1, stride-1, unpadded convolution: the input sample (C_in × H·W) already is its column matrix.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && paddingHeight == 0
            && paddingWidth == 0
    }

    public var description: String {
        "conv \(inChannels)×\(height)×\(width) → \(outChannels)×\(outHeight)×\(outWidth), kernel "
            + "\(kernelHeight)×\(kernelWidth), stride \(strideHeight)×\(strideWidth), "
            + "padding \(paddingHeight)×\(paddingWidth)"
    }
}
