import Foundation
import OrbitFormats
import Testing

/// What `Tests/Fixtures/pytorch/graph/make_graph_fixtures.py` recorded from PyTorch for one model
/// (see that folder's README.md).
struct PyTorchGraphRecord: Decodable {
    struct Tensor: Decodable {
        let name: String
        let shape: [Int]
    }
    struct Pass: Decodable {
        let outputs: [[Double]]
        let loss: Double
        let runningStatsAfter: [String: [Double]]?
        let gradientFile: String?

        enum CodingKeys: String, CodingKey {
            case outputs, loss
            case runningStatsAfter = "running_stats_after"
            case gradientFile = "gradient_file"
        }
    }
    let preset: String
    let dtype: String
    let inputShape: [Int]
    let classes: Int
    let input: [[Double]]
    let labels: [Int]
    let parameters: [Tensor]?
    let buffers: [Tensor]?
    let eval: Pass
    let train: Pass?

    enum CodingKeys: String, CodingKey {
        case preset, dtype, classes, input, labels, parameters, buffers, eval, train
        case inputShape = "input_shape"
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch/graph")

    static let slugs = ["cnn-bn", "cnn", "resnet20-bn", "resnet20-ln", "resnet20-none", "vgg11-bn", "vgg11"]

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func load(_ slug: String) throws -> PyTorchGraphRecord {
        try JSONDecoder().decode(
            PyTorchGraphRecord.self, from: Data(contentsOf: directory.appendingPathComponent(slug + ".json")))
    }
}

/// The committed graph fixtures are complete and mean what their README says. These tests need
/// only today's readers; the layer graph's own tests compare its numbers with the same files.
@Suite struct PyTorchGraphFixtureTests {
    typealias Record = PyTorchGraphRecord

    /// The safetensors and `.pt` copies hold the same tensors — float64 values and the int64
    /// `num_batches_tracked` = 3 — under exactly the names and shapes the JSON lists, and the
    /// `.pt` keeps PyTorch's state-dict order (parameters and buffers interleaved per module).
    @Test(arguments: Record.slugs)
    func stateDictsAgreeWithTheRecord(_ slug: String) throws {
        let record = try Record.load(slug)
        let safetensors = try SafetensorsFile.read(Record.path(slug + ".safetensors"))
        let pickled = try TorchCheckpointFile.read(Record.path(slug + ".pt"))
        let listed = (record.parameters ?? []) + (record.buffers ?? [])
        #expect(Set(pickled.tensors.map(\.name)) == Set(listed.map(\.name)))
        #expect(pickled.tensors.count == listed.count)
        let parameterNames = (record.parameters ?? []).map(\.name)
        #expect(pickled.tensors.map(\.name).filter { parameterNames.contains($0) } == parameterNames)
        for expected in listed {
            let a = try safetensors.tensor(expected.name)
            let b = pickled.tensors.first { $0.name == expected.name }
            #expect(a.shape == expected.shape, "\(slug) \(expected.name)")
            #expect(b?.shape == expected.shape, "\(slug) \(expected.name)")
            if expected.name.hasSuffix("num_batches_tracked") {
                #expect(a.dtype == .int64 && b?.dtype == .int64)
                #expect(try a.int64s() == [3])
                #expect(try b?.int64s() == [3])
            } else {
                #expect(a.dtype == .float64 && b?.dtype == .float64, "\(slug) \(expected.name)")
                #expect(try a.elements(as: Double.self) == b?.elements(as: Double.self), "\(slug) \(expected.name)")
            }
        }
    }

    /// The gradient archive has one flat float64 array per parameter, in PyTorch's order; the
    /// outputs, labels and running statistics have the sizes of the preset's input and classes.
    @Test(arguments: Record.slugs)
    func recordHasEveryPieceInItsShape(_ slug: String) throws {
        let record = try Record.load(slug)
        let train = try #require(record.train)
        let parameters = try #require(record.parameters)
        let gradient = try NPZFile.read(Record.path(try #require(train.gradientFile)))
        #expect(gradient.names == parameters.map(\.name))
        for p in parameters {
            let g = try gradient.array(p.name)
            #expect(g.dtype == .float64 && g.shape == [p.shape.reduce(1, *)], "\(slug) \(p.name)")
            #expect(try g.elements(as: Double.self).allSatisfy(\.isFinite))
        }
        let sampleSize = record.inputShape.reduce(1, *)
        #expect(record.input.count == 6 && record.input.allSatisfy { $0.count == sampleSize })
        #expect(record.labels.count == 6 && record.labels.allSatisfy { (0..<record.classes).contains($0) })
        for outputs in [record.eval.outputs, train.outputs] {
            #expect(outputs.count == 6 && outputs.allSatisfy { $0.count == record.classes })
        }
        let statistics = (record.buffers ?? []).filter { !$0.name.hasSuffix("num_batches_tracked") }
        #expect(Set(statistics.map(\.name)) == Set((train.runningStatsAfter ?? [:]).keys))
        for buffer in statistics {
            #expect(train.runningStatsAfter?[buffer.name]?.count == buffer.shape.reduce(1, *))
        }
    }

    /// Without BatchNorm a network computes the same in training and evaluation mode.
    @Test(arguments: ["cnn", "resnet20-ln", "resnet20-none", "vgg11"])
    func networksWithoutBatchNormHaveEqualTrainAndEvalOutputs(_ slug: String) throws {
        let record = try Record.load(slug)
        #expect(record.train?.outputs == record.eval.outputs)
        #expect(record.train?.loss == record.eval.loss)
    }

    /// A known answer for the conventions (NCHW rows, (out, in, kH, kW) weights, momentum 0.1,
    /// unbiased running variance): `cnn-bn`'s first BatchNorm sees `layers.0` (3×3, pad 1, no bias)
    /// applied to the input; its running statistics after the pass are 0.9·old + 0.1·batch mean
    /// and 0.9·old + 0.1·(unbiased batch variance), computed here directly from the recorded input.
    @Test func firstBatchNormUpdateFollowsPyTorchsRule() throws {
        let record = try Record.load("cnn-bn")
        let weights = try SafetensorsFile.read(Record.path("cnn-bn.safetensors"))
        let kernel = try weights.tensor("layers.0.weight").elements(as: Double.self)  // (4, 1, 3, 3)
        let oldMean = try weights.tensor("layers.1.running_mean").elements(as: Double.self)
        let oldVariance = try weights.tensor("layers.1.running_var").elements(as: Double.self)
        let (height, width) = (record.inputShape[1], record.inputShape[2])
        for channel in 0..<4 {
            var values: [Double] = []
            for sample in record.input {
                for y in 0..<height {
                    for x in 0..<width {
                        var sum = 0.0
                        for dy in -1...1 {
                            for dx in -1...1 where (0..<height).contains(y + dy) && (0..<width).contains(x + dx) {
                                sum += kernel[channel * 9 + (dy + 1) * 3 + (dx + 1)] * sample[(y + dy) * width + x + dx]
                            }
                        }
                        values.append(sum)
                    }
                }
            }
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            let unbiased = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            let after = try #require(record.train?.runningStatsAfter)
            let expectedMean = 0.9 * oldMean[channel] + 0.1 * mean
            let expectedVariance = 0.9 * oldVariance[channel] + 0.1 * unbiased
            #expect(abs(try #require(after["layers.1.running_mean"])[channel] - expectedMean) <= 1e-12)
            #expect(abs(try #require(after["layers.1.running_var"])[channel] - expectedVariance) <= 1e-12)
        }
    }

    /// The float32 copy is the float64 `resnet20-bn` rounded to Float, and its outputs agree with
    /// the float64 ones to Float precision.
    @Test func float32CopyIsTheRoundedFloat64Model() throws {
        let wide = try SafetensorsFile.read(Record.path("resnet20-bn.safetensors"))
        let narrow = try SafetensorsFile.read(Record.path("resnet20-bn-float32.safetensors"))
        #expect(narrow.tensors.count == wide.tensors.count)
        for tensor in narrow.tensors where tensor.dtype != .int64 {
            #expect(tensor.dtype == .float32)
            let rounded = try wide.tensor(tensor.name).elements(as: Double.self).map { Float($0) }
            #expect(try tensor.elements(as: Float.self) == rounded, "\(tensor.name)")
        }
        let record = try Record.load("resnet20-bn")
        let record32 = try Record.load("resnet20-bn-float32")
        #expect(record32.dtype == "float32" && record32.input == record.input)
        for (row32, row) in zip(record32.eval.outputs, record.eval.outputs) {
            for (a, b) in zip(row32, row) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        }
    }
}
