import Foundation
import OrbitCheckpoints
import OrbitFormats
import Testing

@testable import OrbitNetworks
@testable import OrbitNumerics

/// The layer graph against numbers PyTorch recorded in Float64 (`Tests/Fixtures/pytorch/graph`):
/// the presets load the state dicts under PyTorch's own names (num_batches_tracked ignored), and
/// evaluation-mode outputs, training-mode outputs, loss, every parameter's gradient and the
/// running statistics after one training step agree to rounding.
@Suite struct GraphPyTorchParityTests {
    typealias Record = PyTorchGraphRecord

    static func model(_ slug: String) throws -> (Record, Network, ParameterVector<Double>) {
        let record = try Record.load(slug)
        let network = try Network(parsing: record.preset)
        let model = try ModelFile.read(Record.path(slug + ".safetensors"), network: network, as: Double.self)
        return (record, network, model.parameters)
    }

    static func input(_ record: Record) -> Matrix<Double> {
        var x = Matrix<Double>(rows: record.input.count, columns: record.input[0].count)
        for (i, row) in record.input.enumerated() { for (j, v) in row.enumerated() { x[i, j] = v } }
        return x
    }

    static func requireClose(_ a: [Double], _ b: [Double], tolerance: Double, _ what: String) {
        #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values")
        let scale = Swift.max(1, b.map(abs).max() ?? 1)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance * scale, "\(what): max |Δ| = \(worst) (scale \(scale))")
    }

    @Test(arguments: Record.slugs)
    func evaluationOutputsMatchPyTorch(_ slug: String) throws {
        let (record, network, theta) = try Self.model(slug)
        #expect(network.inputShape == record.inputShape)
        let x = Self.input(record)
        let ws = NetworkWorkspace<Double>(network: network, capacity: x.rows, inference: true)
        let out = x.withView { values(ws.forward(theta, inputs: $0)) }
        Self.requireClose(out, record.eval.outputs.flatMap { $0 }, tolerance: 1e-10, "\(slug) eval outputs")
    }

    @Test(arguments: Record.slugs)
    func trainingPassMatchesPyTorch(_ slug: String) throws {
        let (record, network, theta0) = try Self.model(slug)
        let train = try #require(record.train)
        let x = Self.input(record)
        let labels = record.labels.map(Int32.init)
        let ws = NetworkWorkspace<Double>(network: network, capacity: x.rows)
        let loss = x.withView { xv in
            labels.withUnsafeBufferPointer { y in
                ws.lossAndGradient(theta0, inputs: xv, targets: .classes(y), loss: .softmaxCrossEntropy).lossSum
            }
        }
        Self.requireClose(
            values(ws.outputView), train.outputs.flatMap { $0 }, tolerance: 1e-10, "\(slug) train outputs")
        #expect(abs(loss / Double(x.rows) - train.loss) <= 1e-10 * Swift.max(1, abs(train.loss)))
        let gradients = try NPZFile.read(Record.path(try #require(train.gradientFile)))
        for spec in network.layout.tensors where spec.role == .parameter {
            let expected = try #require(gradients[spec.name], "no PyTorch gradient for \(spec.name)").doubles()
            Self.requireClose(
                ws.gradient.tensorValues(spec.name), expected, tolerance: 1e-9, "\(slug) ∂L/∂\(spec.name)")
        }
        var theta = theta0
        ws.updateRunningStatistics(&theta)
        for (name, values) in train.runningStatsAfter ?? [:] where !name.hasSuffix("num_batches_tracked") {
            Self.requireClose(theta.tensorValues(name), values, tolerance: 1e-12, "\(slug) \(name) after one step")
        }
    }

    /// A minibatch split into uneven parts whose BatchNorm statistics and gradient sums are
    /// exchanged gives the unsplit pass's outputs, gradient and running statistics.
    @Test(arguments: ["cnn-bn", "resnet20-bn", "vgg11-bn"])
    func splitBatchEqualsOnePass(_ slug: String) throws {
        let (record, network, theta0) = try Self.model(slug)
        let x = Self.input(record)
        let labels = record.labels.map(Int32.init)
        let whole = NetworkWorkspace<Double>(network: network, capacity: x.rows)
        _ = x.withView { xv in
            labels.withUnsafeBufferPointer { y in
                whole.lossAndGradient(theta0, inputs: xv, targets: .classes(y), loss: .softmaxCrossEntropy)
            }
        }
        let cuts = [0..<1, 1..<4, 4..<x.rows]
        let parts = cuts.map { NetworkWorkspace<Double>(network: network, capacity: $0.count) }
        #expect(parts[0].needsStatisticsExchange)
        x.withView { xv in
            func rows(_ p: Int) -> MatrixView<Double> { xv.submatrix(rows: cuts[p], columns: 0..<xv.columns) }
            var rounds = 0
            while !parts.indices.map({ parts[$0].forwardPhase(theta0, inputs: rows($0)) }).allSatisfy({ $0 }) {
                NetworkWorkspace.exchangeForward(parts)
                rounds += 1
            }
            #expect(rounds == network.nodes.filter { if case .batchNorm = $0.layer { true } else { false } }.count)
            for (p, part) in parts.enumerated() {
                Self.requireClose(
                    values(part.outputView),
                    values(whole.outputView.submatrix(rows: cuts[p], columns: 0..<whole.outputView.columns)),
                    tolerance: 1e-12, "\(slug) part \(p) outputs")
                _ = Array(labels[cuts[p]]).withUnsafeBufferPointer { y in
                    part.loss(.softmaxCrossEntropy, targets: .classes(y), gradient: true, meanOver: x.rows)
                }
            }
            while !parts.indices.map({ parts[$0].backwardPhase(theta0, inputs: rows($0)) }).allSatisfy({ $0 }) {
                NetworkWorkspace.exchangeBackward(parts)
            }
        }
        for p in 1..<parts.count { parts[0].accumulateGradient(from: parts[p]) }
        Self.requireClose(
            parts[0].gradient.flat, whole.gradient.flat, tolerance: 1e-12, "\(slug) split gradient")
        var a = theta0, b = theta0
        whole.updateRunningStatistics(&a)
        parts[2].updateRunningStatistics(&b)
        Self.requireClose(b.flat, a.flat, tolerance: 1e-13, "\(slug) running statistics")
    }

    /// `torch.save(model.state_dict())` of each preset loads with `--arch` alone (num_batches_tracked
    /// and PyTorch's interleaved parameter/buffer order included) to the same θ as its safetensors.
    @Test(arguments: Record.slugs)
    func torchSaveFilesLoadWithThePresetAlone(_ slug: String) throws {
        let (_, network, theta) = try Self.model(slug)
        let model = try ModelFile.read(Record.path(slug + ".pt"), network: network, as: Double.self)
        #expect(model.parameters == theta)
        #expect(model.renamedTensors.isEmpty)
    }

    @Test func float32ResNetLoadsAndMatches() throws {
        let record = try Record.load("resnet20-bn-float32")
        let network = try Network(parsing: record.preset)
        let model = try ModelFile.read(
            Record.path("resnet20-bn-float32.safetensors"), network: network, as: Float.self)
        var x = Matrix<Float>(rows: record.input.count, columns: record.input[0].count)
        for (i, row) in record.input.enumerated() { for (j, v) in row.enumerated() { x[i, j] = Float(v) } }
        let ws = NetworkWorkspace<Float>(network: network, capacity: x.rows, inference: true)
        let out = x.withView { values(ws.forward(model.parameters, inputs: $0)).map(Double.init) }
        Self.requireClose(out, record.eval.outputs.flatMap { $0 }, tolerance: 1e-4, "float32 eval outputs")
    }
}

extension ParameterVector where Scalar == Double {
    /// The values of tensor `name`, row-major.
    func tensorValues(_ name: String) -> [Double] {
        let spec = layout.tensor(named: name)!
        return Array(flat[spec.offset..<(spec.offset + spec.count)])
    }
}

/// The rows of a view, concatenated.
func values<S: BLASScalar>(_ v: MatrixView<S>) -> [S] {
    (0..<v.rows).flatMap { Array(v.row($0)) }
}
