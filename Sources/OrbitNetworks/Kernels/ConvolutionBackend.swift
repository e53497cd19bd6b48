import Foundation

/// Which library runs Float convolutions: oneDNN's convolution primitives (``OneDNNConvolution``, the
/// default where oneDNN is built in, i.e. on Linux) or im2col + BLAS GEMM (``Conv2dKernel``, always used
/// for Double, whose results the finite-difference and PyTorch-parity tests check).
///
/// oneDNN measured 3.2–3.3× faster than im2col + OpenBLAS on ResNet-20's convolutions
/// (benchmarks/conv-backend/README.md, BENCHMARKS.md "Convolution backend"). `ORBIT_CONV_BACKEND=im2col`
/// in the environment forces the im2col path for A/B timing (`ORBIT_CONV_BACKEND=onednn` is the default).
public enum ConvolutionBackend: String, Sendable {
    case oneDNN = "onednn"
    case im2col

    /// The backend of this process: `ORBIT_CONV_BACKEND` if set (read once), else oneDNN when available.
    public static let selected: ConvolutionBackend = {
        guard let name = ProcessInfo.processInfo.environment["ORBIT_CONV_BACKEND"] else {
            return isOneDNNAvailable ? .oneDNN : .im2col
        }
        guard let backend = ConvolutionBackend(rawValue: name.lowercased()) else {
            fatalError("ORBIT_CONV_BACKEND must be 'im2col' or 'onednn', not '\(name)'")
        }
        return backend == .oneDNN && !isOneDNNAvailable ? .im2col : backend
    }()

    /// Whether this build links oneDNN (Linux with libdnnl-dev).
    public static var isOneDNNAvailable: Bool {
        #if canImport(CDNNL)
            return true
        #else
            return false
        #endif
    }

    /// The kernel for a Float convolution node under `backend`, or nil for ``Conv2dKernel``: nil also when
    /// oneDNN refuses the geometry (no implementation for it), which im2col then runs.
    static func floatKernel(
        geometry: Conv2dGeometry, capacity: Int, bias: Bool, inference: Bool, backend: ConvolutionBackend = selected
    ) -> (any FloatConvolution)? {
        #if canImport(CDNNL)
            guard backend == .oneDNN else { return nil }
            return try? OneDNNConvolution(geometry: geometry, capacity: capacity, bias: bias, inference: inference)
        #else
            return nil
        #endif
    }
}

/// The call shape of a Float convolution kernel, the same as ``Conv2dKernel``'s (see there for the math).
protocol FloatConvolution: AnyObject {
    func forward(
        rows: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>)
    func backwardInput(
        rows: Int, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool)
    func backwardWeight(
        rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?)
    /// ``backwardWeight`` and then, when `inputGradient` is given, ``backwardInput`` for the same output
    /// gradient (a backend may share work between the two, e.g. one copy of dy in its own layout).
    func backward(
        rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool)
}

extension FloatConvolution {
    func backward(
        rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool
    ) {
        backwardSeparately(
            rows: rows, input: input, outputGradient: outputGradient, weight: weight, weightGradient: weightGradient,
            biasGradient: biasGradient, inputGradient: inputGradient, accumulate: accumulate)
    }

    /// The two passes as two calls, sharing nothing.
    func backwardSeparately(
        rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
        inputGradient: UnsafeMutablePointer<Float>?, accumulate: Bool
    ) {
        backwardWeight(
            rows: rows, input: input, outputGradient: outputGradient, weightGradient: weightGradient,
            biasGradient: biasGradient)
        if let inputGradient {
            backwardInput(
                rows: rows, outputGradient: outputGradient, weight: weight, inputGradient: inputGradient,
                accumulate: accumulate)
        }
    }
}
