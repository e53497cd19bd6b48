import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// ∂L/∂θ and ∂L/∂x of a graph holding every layer kind — convolutions with stride, padding, bias and
/// 1×1, BatchNorm 2-d and 1-d in training and evaluation mode, LayerNorm, max and average pooling
/// (with padding), global average pooling, Flatten, Add and Linear — against central finite
/// differences in Float64.
@Suite struct GraphGradientTests {
    /// 2×7×7 → conv s2 p1 → BN → tanh → conv(no bias) → LN → +(tanh) → maxpool k2 s1 → avgpool k2
    /// p1 → {GAP ; conv 1×1 s2 → flatten → linear} → + → BN1d → gelu → linear → 3.
    static func network() throws -> Network {
        var g = GraphBuilder()
        g.add("c1", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, stride: 2, padding: 1)))
        g.add("bn", .batchNorm(BatchNormLayer()))
        g.add("a1", .activation(ActivationLayer(.tanh)))
        g.add("c2", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, stride: 1, padding: 1, bias: false)))
        g.add("ln", .layerNorm(LayerNormLayer()))
        g.add("sum", .add(AddLayer()), inputs: ["ln", "a1"])
        g.add("mp", .pool2d(Pool2dLayer(.max, kernel: 2, stride: 1)))
        g.add("ap", .pool2d(Pool2dLayer(.average, kernel: 2, stride: 1, padding: 1)))
        g.add("gap", .globalAveragePool(GlobalAveragePoolLayer()))
        g.add("proj", .conv2d(Conv2dLayer(outChannels: 3, kernel: 1, stride: 2)), inputs: ["ap"])
        g.add("flat", .flatten(FlattenLayer()))
        g.add("fc1", .linear(LinearLayer(outputs: 4)))
        g.add("join", .add(AddLayer(scales: [1, 0.5])), inputs: ["fc1", "gap"])
        g.add("bn1d", .batchNorm(BatchNormLayer()))
        g.add("a2", .activation(ActivationLayer(.gelu)))
        g.add("fc2", .linear(LinearLayer(outputs: 3)))
        return try Network(inputShape: [2, 7, 7], nodes: g.nodes)
    }

    func loss(_ ws: NetworkWorkspace<Double>, _ theta: ParameterVector<Double>, _ x: Matrix<Double>, _ y: [Int32])
        -> Double
    {
        x.withView { xv in
            ws.forward(theta, inputs: xv)
            return y.withUnsafeBufferPointer { ws.loss(.softmaxCrossEntropy, targets: .classes($0), gradient: false) }
                .lossSum / Double(x.rows)
        }
    }

    @Test(arguments: [true, false])
    func backwardMatchesFiniteDifferences(training: Bool) throws {
        let network = try Self.network()
        #expect(network.plan.outputShapes[network.nodes.count - 1] == [3])
        var g = SeededGenerator(seed: 5)
        var theta: ParameterVector<Double> = network.initialParameters(.pytorch, seed: 2)
        theta.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] += 0.1 * g.nextGaussian() }
            // Positive running variances for evaluation mode.
            for spec in network.layout.tensors where spec.name.hasSuffix("running_var") {
                for i in spec.offset..<(spec.offset + spec.count) { p[i] = 0.5 + abs(p[i]) }
            }
        }
        let b = 5
        var x = Matrix<Double>.normal(rows: b, columns: network.inputSize, generator: &g)
        let y: [Int32] = [0, 2, 1, 1, 0]
        let ws = NetworkWorkspace<Double>(network: network, capacity: b)
        ws.isTraining = training
        _ = x.withView { xv in
            y.withUnsafeBufferPointer {
                ws.lossAndGradient(
                    theta, inputs: xv, targets: .classes($0), loss: .softmaxCrossEntropy, inputGradient: true)
            }
        }
        let analytic = ws.gradient.flat
        let inputGradient = (0..<b).flatMap { Array(ws.inputGradientView.row($0)) }
        let h = 1e-6
        var worst = 0.0
        for i in 0..<network.layout.totalCount {
            var plus = theta, minus = theta
            plus.withUnsafeMutableBufferPointer { $0[i] += h }
            minus.withUnsafeMutableBufferPointer { $0[i] -= h }
            let numeric = (loss(ws, plus, x, y) - loss(ws, minus, x, y)) / (2 * h)
            let expected = i < network.layout.parameterCount ? numeric : 0
            if i >= network.layout.parameterCount {
                // Buffers get no gradient; in training mode the loss does not depend on them.
                #expect(analytic[i] == 0)
                if training { #expect(abs(numeric) < 1e-9) }
                continue
            }
            worst = Swift.max(worst, abs(analytic[i] - expected) / Swift.max(1, abs(expected)))
        }
        #expect(worst < 1e-6, "worst relative error over θ: \(worst)")
        var worstInput = 0.0
        for i in 0..<b {
            for j in stride(from: 0, to: network.inputSize, by: 7) {
                let v = x[i, j]
                x[i, j] = v + h
                let up = loss(ws, theta, x, y)
                x[i, j] = v - h
                let down = loss(ws, theta, x, y)
                x[i, j] = v
                let numeric = (up - down) / (2 * h)
                worstInput = Swift.max(
                    worstInput, abs(inputGradient[i * network.inputSize + j] - numeric) / Swift.max(1, abs(numeric)))
            }
        }
        #expect(worstInput < 1e-6, "worst relative error over x: \(worstInput)")
    }

    /// Descriptions that do not type-check are refused in one line naming the node and the shapes.
    @Test func illTypedGraphsNameTheNodeAndShapes() throws {
        func message(_ text: String) -> String {
            do {
                _ = try Network(parsing: text)
                return "accepted"
            } catch { return "\(error)" }
        }
        let kernel = message("cnn:1x4x4-c4-p-p-p-3")
        #expect(
            kernel.contains("layers.4") && kernel.contains("1×1") && kernel.contains("larger than its"), "\(kernel)")
        var g = GraphBuilder()
        g.add("conv", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3, padding: 1)))
        g.add("other", .conv2d(Conv2dLayer(outChannels: 6, kernel: 3, padding: 1)), inputs: ["input"])
        g.add("sum", .add(AddLayer()), inputs: ["conv", "other"])
        let add = #expect(throws: NetworkError.self) { try Network(inputShape: [1, 5, 5], nodes: g.nodes) }
        #expect("\(add!)".contains("'sum'") && "\(add!)".contains("4×5×5") && "\(add!)".contains("6×5×5"), "\(add!)")
        var f = GraphBuilder()
        f.add("flat", .flatten(FlattenLayer()))
        f.add("conv", .conv2d(Conv2dLayer(outChannels: 4, kernel: 3)))
        let flat = #expect(throws: NetworkError.self) { try Network(inputShape: [1, 5, 5], nodes: f.nodes) }
        #expect("\(flat!)".contains("'conv'") && "\(flat!)".contains("25"), "\(flat!)")
        #expect(message("resnet20:w=4:in=1x2x2").contains("larger than its") == false)
        #expect(message("vgg11:w=0.25:in=1x28x28").contains("larger than its"))
    }

    /// The JSON graph form round-trips, and presets keep PyTorch's tensor names.
    @Test func jsonRoundTripAndPresetNames() throws {
        for text in ["resnet20:w=4:bn:in=1x12x12:out=5", "vgg16:w=0.0625:bn", "cnn:1x8x8-c4-a-c6s2-gap-3:gelu:bn"] {
            let network = try Network(parsing: text)
            let read = try Network(json: network.jsonDescription)
            #expect(read == network)
            // The preset travels with the JSON form, so reports can name the network briefly.
            #expect(read.compactDescription == text && network.compactDescription == text)
        }
        // The README's example graph (nodes without "inputs" read the node before them).
        let example = try Network(
            parsing: """
                {"format": "orbit.network/2", "input": [1, 28, 28],
                 "nodes": [{"name": "conv1", "type": "conv2d", "outChannels": 16, "kernel": [3, 3], "stride": [1, 1], "padding": [1, 1], "bias": false},
                           {"name": "bn1", "type": "batchnorm", "epsilon": 1e-05, "momentum": 0.1},
                           {"name": "relu", "type": "activation", "activation": "relu"},
                           {"name": "pool", "type": "global_avg_pool"},
                           {"name": "fc", "type": "linear", "outputs": 10, "bias": true}]}
                """)
        #expect(example.plan.outputShape == [10] && example.layout.parameterCount == 16 * 9 + 32 + 170)
        let resnet = try Network(parsing: "resnet20:w=16")
        #expect(resnet.parameterCount == 272_186)
        let names = resnet.layout.tensors.map(\.name)
        for expected in [
            "conv1.weight", "bn1.running_var", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
            "layer2.0.downsample.1.running_mean", "layer3.2.bn2.bias", "fc.weight", "fc.bias",
        ] { #expect(names.contains(expected), "\(expected)") }
        #expect(resnet.layout.tensors.filter { $0.role == .buffer }.count == 2 * 21)
    }
}
