import OrbitFormats
import OrbitNetworks

/// One node of the layer-graph operators (Conv, BatchNormalization, LayerNormalization, MaxPool,
/// AveragePool, GlobalAveragePool, ReduceMean over the spatial axes) read as an Orbit layer: its
/// attributes checked against what the layer computes, its initializers as the layer's tensors in
/// PyTorch's layouts (ONNX stores Conv weights (out, in, kH, kW) and BatchNorm statistics per
/// channel, as PyTorch does, so nothing is transposed). Anything the layer would compute
/// differently — groups, dilation, asymmetric padding, ceil mode, padding excluded from averages —
/// is refused naming the node. O(attributes + the node's tensors).
struct ONNXLayerReader {
    /// A layer and its tensors: (name inside the node, tensor, initializer name).
    struct Read {
        var kind: LayerKind
        var tensors: [(name: String, tensor: RawTensor, onnx: String)]
    }

    let file: String
    let node: String
    let op: ONNXOperator
    let attributes: ONNXAttributes
    /// The input's shape without the batch axis.
    let inputShape: [Int]

    /// The layer and its output shape; `operand(i)` gives the i-th operand when it is a constant
    /// (nil when absent) and throws when it is computed.
    func read(operand: (Int) throws(ONNXError) -> RawTensor?) throws(ONNXError) -> (Read, [Int]) {
        let read: Read
        switch op {
        case .conv: read = try conv(operand)
        case .batchNormalization: read = try batchNorm(operand)
        case .layerNormalization: read = try layerNorm(operand)
        case .maxPool, .averagePool: read = try pool()
        case .globalAveragePool:
            try requireImage()
            return (Read(kind: .globalAveragePool(GlobalAveragePoolLayer()), tensors: []), [inputShape[0], 1, 1])
        case .reduceMean: return try reduceMean(operand)
        default: preconditionFailure("\(op) is not a layer-graph operator")
        }
        do {
            return (read, try read.kind.layer.outputShape(for: [inputShape]))
        } catch {
            throw fail(error.reason)
        }
    }

    private func fail(_ reason: String) -> ONNXError {
        .notExpressible(file: file, node: node, op: op.rawValue, reason: reason)
    }

    private var shown: String { "(batch, \(inputShape.map(String.init).joined(separator: ", ")))" }

    private func requireImage() throws(ONNXError) {
        guard inputShape.count == 3 else {
            throw fail("its input has shape \(shown); Orbit's \(op.rawValue) takes (batch, C, H, W)")
        }
    }

    /// A float32 attribute as the shortest decimal that round-trips it (1e-05, not 9.99999974e-06):
    /// the exporter wrote PyTorch's decimal value through float32.
    private func decimal(_ name: String, default value: Double) -> Double {
        attributes.float(name).flatMap { Double("\($0)") } ?? value
    }

    private func requireDefaults(_ names: [String: Int64]) throws(ONNXError) {
        for (name, value) in names.sorted(by: { $0.key < $1.key }) {
            if let found = attributes.int(name), found != value {
                throw fail("\(name)=\(found); Orbit supports \(name)=\(value) only")
            }
        }
        if let pad = attributes.string("auto_pad"), !pad.isEmpty, pad != "NOTSET" {
            throw fail("auto_pad=\(pad); Orbit reads explicit pads (auto_pad=NOTSET)")
        }
        if let dilations = attributes.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            throw fail("dilations \(dilations); Orbit supports dilation 1 only")
        }
    }

    /// Strides (default 1) and symmetric pads [top, left, bottom, right] (default 0).
    private func stridesAndPads() throws(ONNXError) -> (strides: [Int], pads: [Int]) {
        let strides = attributes.ints("strides").flatMap { $0.isEmpty ? nil : $0 } ?? [1, 1]
        let pads = attributes.ints("pads").flatMap { $0.isEmpty ? nil : $0 } ?? [0, 0, 0, 0]
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 && $0 <= 1 << 20 }) else {
            throw fail("strides \(strides); Orbit needs two positive strides")
        }
        guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else {
            throw fail("pads \(pads); Orbit needs four non-negative pads")
        }
        guard pads[0] == pads[2], pads[1] == pads[3] else {
            throw fail("pads \(pads) are asymmetric; Orbit pads each side of an axis equally")
        }
        return (strides.map { Int($0) }, [Int(pads[0]), Int(pads[1])])
    }

    private func requireFloat(_ tensor: RawTensor) throws(ONNXError) {
        switch tensor.dtype {
        case .float16, .bfloat16, .float32, .float64: return
        default:
            throw .badTensor(
                file: file, tensor: tensor.name, reason: "has dtype \(tensor.dtype), Orbit reads float weights only")
        }
    }

    /// The i-th operand, a float initializer of `count` elements, as a vector.
    private func vector(
        _ operand: (Int) throws(ONNXError) -> RawTensor?, _ i: Int, count: Int, role: String
    ) throws(ONNXError) -> RawTensor {
        guard let tensor = try operand(i) else { throw fail("has no \(role) (operand \(i))") }
        try requireFloat(tensor)
        guard tensor.shape.reduce(1, *) == count, tensor.shape.filter({ $0 != 1 }).count <= 1 else {
            throw fail("\(role) '\(tensor.name)' has shape \(tensor.shape); Orbit needs [\(count)]")
        }
        return try! tensor.reshaped([count])
    }

    private func conv(_ operand: (Int) throws(ONNXError) -> RawTensor?) throws(ONNXError) -> Read {
        try requireImage()
        try requireDefaults(["group": 1])
        guard let weight = try operand(1) else { throw fail("has no weight (operand 1)") }
        try requireFloat(weight)
        let c = inputShape[0]
        guard weight.shape.count == 4, weight.shape[1] == c, weight.shape.allSatisfy({ $0 > 0 }) else {
            throw fail("weight '\(weight.name)' has shape \(weight.shape); Orbit needs (out, \(c), kH, kW)")
        }
        let kernel = Array(weight.shape[2...])
        if let declared = attributes.ints("kernel_shape"), !declared.isEmpty, declared.map({ Int($0) }) != kernel {
            throw fail("kernel_shape \(declared) differs from weight '\(weight.name)' of shape \(weight.shape)")
        }
        let (strides, pads) = try stridesAndPads()
        var tensors = [(name: "weight", tensor: weight, onnx: weight.name)]
        if try operand(2) != nil {
            let b = try vector(operand, 2, count: weight.shape[0], role: "bias")
            tensors.append((name: "bias", tensor: b, onnx: b.name))
        }
        let layer = Conv2dLayer(
            outChannels: weight.shape[0], kernel: kernel, stride: strides, padding: pads, bias: tensors.count == 2)
        return Read(kind: .conv2d(layer), tensors: tensors)
    }

    /// ONNX's momentum m weighs the old running value (running·m + batch·(1 − m)); PyTorch's weighs
    /// the batch, so Orbit's is 1 − m.
    private func batchNorm(_ operand: (Int) throws(ONNXError) -> RawTensor?) throws(ONNXError) -> Read {
        guard inputShape.count == 1 || inputShape.count == 3 else {
            throw fail("its input has shape \(shown); Orbit's BatchNorm takes (batch, C) or (batch, C, H, W)")
        }
        guard (attributes.int("training_mode") ?? 0) == 0 else {
            throw fail("training_mode=1; export the model in eval mode")
        }
        let c = inputShape[0]
        var tensors: [(name: String, tensor: RawTensor, onnx: String)] = []
        for (i, role) in ["weight", "bias", "running_mean", "running_var"].enumerated() {
            let t = try vector(operand, i + 1, count: c, role: role)
            tensors.append((name: role, tensor: t, onnx: t.name))
        }
        let momentum = 1 - decimal("momentum", default: 0.9)
        // 1 − 0.9 is 0.09999999999999998 in binary; twelve digits are far below float32's.
        let layer = BatchNormLayer(
            epsilon: decimal("epsilon", default: 1e-5), momentum: (momentum * 1e12).rounded() / 1e12)
        return Read(kind: .batchNorm(layer), tensors: tensors)
    }

    private func layerNorm(_ operand: (Int) throws(ONNXError) -> RawTensor?) throws(ONNXError) -> Read {
        let rank = inputShape.count + 1
        let declared = Int(attributes.int("axis") ?? -1)
        let axis = declared < 0 ? declared + rank : declared
        guard axis == 1 else {
            throw fail(
                "normalises from axis \(declared) of a \(shown) input; Orbit's LayerNorm normalises the whole sample (axis 1)"
            )
        }
        var tensors: [(name: String, tensor: RawTensor, onnx: String)] = []
        for (i, role) in ["weight", "bias"].enumerated() {
            guard let t = try operand(i + 1) else {
                throw fail(
                    "has no \(role == "weight" ? "scale" : "bias") (operand \(i + 1)); Orbit's LayerNorm has both")
            }
            try requireFloat(t)
            guard t.shape.reduce(1, *) == inputShape.reduce(1, *), t.shape.count <= inputShape.count else {
                throw fail("\(role) '\(t.name)' has shape \(t.shape); Orbit needs \(inputShape)")
            }
            tensors.append((name: role, tensor: try! t.reshaped(inputShape), onnx: t.name))
        }
        return Read(kind: .layerNorm(LayerNormLayer(epsilon: decimal("epsilon", default: 1e-5))), tensors: tensors)
    }

    private func pool() throws(ONNXError) -> Read {
        try requireImage()
        try requireDefaults(["ceil_mode": 0])
        guard let kernel = attributes.ints("kernel_shape"), kernel.count == 2, kernel[0] == kernel[1], kernel[0] > 0,
            kernel[0] <= 1 << 20
        else {
            throw fail(
                "kernel_shape \(attributes.ints("kernel_shape") ?? []); Orbit pools square windows (k, k)")
        }
        let (strides, pads) = try stridesAndPads()
        guard strides[0] == strides[1], pads[0] == pads[1] else {
            throw fail("strides \(strides) and pads \(pads) differ between the axes; Orbit's pooling uses one of each")
        }
        // Without padding every window is whole, so counting the padding or not is the same average.
        if op == .averagePool, pads[0] > 0, (attributes.int("count_include_pad") ?? 0) == 0 {
            throw fail(
                "count_include_pad=0 with pads \(pads[0]); Orbit's AvgPool2d counts the padding (PyTorch's default count_include_pad=True)"
            )
        }
        let reduction: Pool2dLayer.Reduction = op == .maxPool ? .max : .average
        return Read(
            kind: .pool2d(Pool2dLayer(reduction, kernel: Int(kernel[0]), stride: strides[0], padding: pads[0])),
            tensors: [])
    }

    /// ReduceMean over axes {2, 3} of (batch, C, H, W): the global average pool (keepdims keeps 1×1).
    private func reduceMean(_ operand: (Int) throws(ONNXError) -> RawTensor?) throws(ONNXError) -> (Read, [Int]) {
        try requireImage()
        var axes: [Int64]
        if let tensor = try operand(1) {
            axes = try ONNXInitializer.integers(tensor, file: file)
        } else {
            axes = attributes.ints("axes") ?? []
        }
        axes = axes.map { $0 < 0 ? $0 + 4 : $0 }
        guard Set(axes) == [2, 3], axes.count == 2 else {
            throw fail(
                "reduces axes \(axes); Orbit reads ReduceMean only over the spatial axes (2, 3), a global average pool")
        }
        let keep = (attributes.int("keepdims") ?? 1) != 0
        let shape = keep ? [inputShape[0], 1, 1] : [inputShape[0]]
        return (Read(kind: .globalAveragePool(GlobalAveragePoolLayer()), tensors: []), shape)
    }
}
