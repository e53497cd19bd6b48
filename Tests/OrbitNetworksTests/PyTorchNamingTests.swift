import Foundation
import Testing

@testable import OrbitCheckpoints
@testable import OrbitData
@testable import OrbitFormats
@testable import OrbitNetworks
@testable import OrbitNumerics
@testable import OrbitTraining

/// What `Tests/Fixtures/pytorch/make_state_dicts.py` recorded from PyTorch for each fixture.
struct PyTorchNamingRecord: Decodable {
    struct Model: Decodable {
        let arch: String
        let naming: String
        let keys: [String]
        let outputs: [[Double]]
        let loss: Double
    }
    let inputs: [[Float]]
    let labels: [Int32]
    let models: [String: Model]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch/naming")

    static let recorded: PyTorchNamingRecord = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode(PyTorchNamingRecord.self, from: data)
    }()

    static func path(_ name: String, _ ext: String) -> String {
        directory.appendingPathComponent("\(name).\(ext)").path
    }

    /// Every fixture whose layer order the names or shapes determine.
    static let loadable = [
        "modulelist", "sequential", "sequential-flatten", "named", "named-words", "dataparallel", "lightning",
        "dataparallel-lightning",
    ]

    var split: DataSplit {
        DataSplit(features: Matrix(inputs), targets: .classes(labels: labels, classCount: 3))
    }

    /// Checks that `model` computes what PyTorch recorded for `name`: every output to 1e-5 relative
    /// (to max(1, |y|)), and the mean cross-entropy on the labelled batch.
    func expectEqualsPyTorch(_ model: OrbitCheckpoints.Model<Float>, _ name: String) {
        let expected = models[name]!
        let workspace = NetworkWorkspace<Float>(network: model.network, capacity: inputs.count, inference: true)
        let features = Matrix<Float>(inputs)
        features.withView { x in
            let y = workspace.forward(model.parameters, inputs: x)
            #expect(y.rows == expected.outputs.count && y.columns == expected.outputs[0].count)
            for (i, row) in expected.outputs.enumerated() {
                for (j, value) in row.enumerated() {
                    #expect(abs(Double(y[i, j]) - value) <= 1e-5 * max(1, abs(value)), "\(name) output [\(i), \(j)]")
                }
            }
        }
        let loss = model.network.evaluate(model.parameters, on: split).loss
        #expect(abs(loss - expected.loss) <= 1e-5 * max(1, expected.loss), "\(name) loss \(loss) vs \(expected.loss)")
    }
}

@Suite struct PyTorchNamingTests {
    typealias Record = PyTorchNamingRecord

    /// Each naming style loads with no flag: the network inferred from the shapes is the one the
    /// script built, every tensor is matched to it, and the outputs and loss equal PyTorch's.
    @Test(arguments: Record.loadable)
    func safetensorsFixtureLoadsWithNoFlag(_ name: String) throws {
        let path = Record.path(name, "safetensors")
        let model: Model<Float> = try ModelFile.read(path, inferringDenseChain: true)
        let expected = Record.recorded.models[name]!
        #expect(model.network.compactDescription == expected.arch)
        #expect(model.inference?.activation == .relu)
        // The file's names are kept for writing, one per Orbit tensor, in definition order.
        #expect(model.network.layout.tensors.map { model.tensorNames.fileName(for: $0.name) } == expected.keys)
        Record.recorded.expectEqualsPyTorch(model, name)
    }

    /// `--arch` overrides the inferred activation; the names still map with no `--map`.
    @Test func archOverridesTheInferredActivation() throws {
        let network = try Network(parsing: "mlp:6-8-5-3:tanh")
        let model: Model<Float> = try ModelFile.read(
            Record.path("named", "safetensors"), network: network, inferringDenseChain: true)
        #expect(model.network == network && model.inference == nil)
        #expect(model.renamedTensors.map(\.file) == Record.recorded.models["named"]!.keys)
    }

    /// Without inference (the library's default), a file without a description still needs a network.
    @Test func inferenceIsOptIn() throws {
        let path = Record.path("named", "safetensors")
        #expect(throws: CheckpointError.noDescription(file: path)) { let _: Model<Float> = try ModelFile.read(path) }
    }

    /// The ambiguous fixture (two square layers without numbers) is refused with both candidate
    /// orders and the exact flags; with those flags it loads and computes PyTorch's numbers.
    @Test func ambiguousFixtureIsRefusedWithCandidatesAndFlags() throws {
        let path = Record.path("ambiguous", "safetensors")
        let flags = "--map embed=layers.0 --map mix_a=layers.2 --map mix_b=layers.4 --map head=layers.6"
        #expect(
            throws: CheckpointError.ambiguousOrder(
                file: path,
                candidates: [["embed", "mix_a", "mix_b", "head"], ["embed", "mix_b", "mix_a", "head"]],
                flags: flags)
        ) { let _: Model<Float> = try ModelFile.read(path, inferringDenseChain: true) }
        // With --arch only, the order is still unknown: the same error, not a missing tensor.
        #expect(throws: CheckpointError.self) {
            let _: Model<Float> = try ModelFile.read(path, network: try Network(parsing: "mlp:6-8-8-8-3:relu"))
        }
        var map: [String: String] = [:]
        for pair in flags.split(separator: " ").filter({ $0 != "--map" }) {
            let kv = pair.split(separator: "=").map(String.init)
            map[kv[0]] = kv[1]
        }
        let model: Model<Float> = try ModelFile.read(path, nameMap: map, inferringDenseChain: true)
        #expect(model.network.compactDescription == "mlp:6-8-8-8-3:relu")
        #expect(model.tensorNames.fileName(for: "layers.4.weight") == "mix_b.weight")
        Record.recorded.expectEqualsPyTorch(model, "ambiguous")
    }

    /// `orbit check` on a PyTorch file: valid against the inferred chain; against a wrong `--arch`,
    /// the mis-shaped tensors are named (under Orbit's names), not every tensor missing.
    @Test func checkInfersAndMapsNames() throws {
        let path = Record.path("lightning", "safetensors")
        let inferred = try ModelCheck(path, inferringDenseChain: true)
        #expect(inferred.isValid && inferred.network.compactDescription == "mlp:6-8-5-3:relu")
        let wrong = try ModelCheck(path, network: try Network(parsing: "mlp:6-8-5-4:relu"))
        #expect(
            wrong.problems == [
                .shape(tensor: "layers.4.weight", expected: [4, 5], found: [3, 5]),
                .shape(tensor: "layers.4.bias", expected: [4], found: [3]),
            ])
    }

    /// The `.pt` twins load the same way (their stored order is the definition order).
    @Test(arguments: Record.loadable)
    func ptFixtureLoadsWithNoFlag(_ name: String) throws {
        let model: Model<Float> = try ModelFile.read(Record.path(name, "pt"), inferringDenseChain: true)
        let expected = Record.recorded.models[name]!
        #expect(model.network.compactDescription == expected.arch)
        #expect(try ModelFile.readRaw(Record.path(name, "pt")).tensors.map(\.name) == expected.keys)
        #expect(model.network.layout.tensors.map { model.tensorNames.fileName(for: $0.name) } == expected.keys)
        Record.recorded.expectEqualsPyTorch(model, name)
    }

    /// The ambiguous `.pt` twin is refused like the safetensors one.
    @Test
    func ambiguousPtFixtureIsRefused() throws {
        #expect {
            let _: Model<Float> = try ModelFile.read(Record.path("ambiguous", "pt"), inferringDenseChain: true)
        } throws: { error in
            guard case CheckpointError.ambiguousOrder(_, let candidates, _) = error else { return false }
            return candidates.count == 2
        }
    }

    /// A model read from a PyTorch file is written back as safetensors under the file's names, with
    /// Orbit's description and the name map in the metadata; Orbit reads its output back exactly,
    /// with no renaming. NPZ keeps Orbit's layout names.
    @Test func writtenModelsKeepTheFileNames() throws {
        let source: Model<Float> = try ModelFile.read(
            Record.path("lightning", "safetensors"), inferringDenseChain: true)
        let out = CheckpointTests.temporaryPath("out.safetensors")
        try ModelFile.write(source, to: out)
        let (tensors, metadata) = try ModelFile.readRaw(out)
        #expect(tensors.map(\.name) == Record.recorded.models["lightning"]!.keys)
        #expect(metadata["orbit.network"] != nil && metadata[TensorNameMap.metadataKey] != nil)
        let back: Model<Float> = try ModelFile.read(out)
        #expect(back.network == source.network && back.parameters == source.parameters)
        #expect(back.renamedTensors.isEmpty && back.tensorNames == source.tensorNames)
        #expect(back.metadata[TensorNameMap.metadataKey] == nil)
        let npz = CheckpointTests.temporaryPath("out.npz")
        try ModelFile.write(source, to: npz)
        #expect(try ModelFile.readRaw(npz).tensors.map(\.name) == source.network.layout.tensors.map(\.name))
    }
}

/// The rules of ``NamingStyle`` and the errors for files that are no dense chain, on synthetic files.
@Suite struct NamingStyleTests {
    static func tensor(_ name: String, _ shape: [Int]) -> RawTensor {
        try! RawTensor(name: name, shape: shape, elements: [Float](repeating: 0.5, count: shape.reduce(1, *)))
    }

    /// A chain d → 4 → 4 → … named `fc1` … `fc12`, in the file's sorted order (fc1, fc10, fc11, fc12, fc2…).
    static func numbered(_ count: Int, prefix: String = "fc") -> [RawTensor] {
        (1...count).map { i in tensor("\(prefix)\(i).weight", [4, i == 1 ? 3 : 4]) }
            .sorted { $0.name < $1.name }
    }

    @Test func numbersAreComparedAsIntegers() throws {
        let order = try DenseModuleOrder.recognize(Self.numbered(12), file: "f")
        #expect(order.modules.map(\.name) == (1...12).map { "fc\($0)" })
        #expect(order.style == .numberedModules(template: "fc#"))
        #expect(order.wrapper == "")
    }

    /// `fc1`, `fc2`, `fc3` and an un-numbered `out`: the shapes alone allow fc3 before fc2 (both
    /// square), the numbers do not.
    @Test func numbersOrderSquareLayersInAShapeChain() throws {
        let tensors = [
            Self.tensor("out.weight", [2, 4]), Self.tensor("fc3.weight", [4, 4]), Self.tensor("fc2.weight", [4, 4]),
            Self.tensor("fc1.weight", [4, 3]),
        ]
        let order = try DenseModuleOrder.recognize(tensors, file: "f")
        #expect(order.modules.map(\.name) == ["fc1", "fc2", "fc3", "out"] && order.style == .shapeChain)
    }

    @Test func stylesAndWrappersAreRecognised() throws {
        let cases: [([String], NamingStyle, String)] = [
            (["layers.0", "layers.1"], .moduleList(prefix: "layers"), ""),
            (["1", "3"], .sequential, ""),
            (["module.0", "module.2"], .sequential, "module."),
            (["model.module.net.fc1", "model.module.net.fc2"], .numberedModules(template: "net.fc#"), "model.module."),
            (["first", "second"], .shapeChain, ""),
        ]
        for (names, style, wrapper) in cases {
            let tensors = [Self.tensor(names[1] + ".weight", [2, 5]), Self.tensor(names[0] + ".weight", [5, 3])]
            let order = try DenseModuleOrder.recognize(tensors, file: "f")
            #expect(order.style == style && order.wrapper == wrapper, "\(names)")
            #expect(order.modules.map(\.name) == names)
        }
    }

    /// Bad input: a mis-shaped bias names the tensor and both shapes; a layer order that does not
    /// chain names the two tensors; a tensor no dense layer has is named with its shape.
    @Test func badFilesAreRefusedNamingTensorsAndShapes() {
        #expect(throws: CheckpointError.shapeMismatch(file: "f", tensor: "fc1.bias", expected: [4], found: [5])) {
            _ = try DenseModuleOrder.recognize(
                [Self.tensor("fc1.weight", [4, 3]), Self.tensor("fc1.bias", [5])], file: "f")
        }
        #expect(
            throws: CheckpointError.brokenChain(
                file: "f", tensor: "fc1.weight", outputs: 4, next: "fc2.weight", inputs: 7)
        ) {
            _ = try DenseModuleOrder.recognize(
                [Self.tensor("fc1.weight", [4, 3]), Self.tensor("fc2.weight", [2, 7])], file: "f")
        }
        #expect(
            throws: CheckpointError.brokenChain(
                file: "f", tensor: "head.weight", outputs: 2, next: "stem.weight", inputs: 7)
        ) {
            _ = try DenseModuleOrder.recognize(
                [Self.tensor("head.weight", [2, 4]), Self.tensor("stem.weight", [5, 7])], file: "f")
        }
        #expect(
            throws: CheckpointError.notDenseChain(
                file: "f", tensor: "conv.weight", shape: [8, 3, 3, 3],
                reason: "is not a dense layer's weight (outputs, inputs)")
        ) {
            _ = try DenseModuleOrder.recognize([Self.tensor("conv.weight", [8, 3, 3, 3])], file: "f")
        }
        #expect(
            throws: CheckpointError.notDenseChain(
                file: "f", tensor: "bn.running_mean", shape: [4], reason: "is neither a layer's weight nor its bias")
        ) {
            _ = try DenseModuleOrder.recognize(
                [Self.tensor("fc1.weight", [4, 3]), Self.tensor("bn.running_mean", [4])], file: "f")
        }
        let message = CheckpointError.brokenChain(
            file: "f", tensor: "a.weight", outputs: 4, next: "b.weight", inputs: 7
        )
        .description
        #expect(message.contains("'a.weight' gives 4 outputs") && message.contains("'b.weight' takes 7 inputs"))
    }

    /// Inference: sizes from the shapes, a bias exactly where the file has one, ReLU between layers.
    @Test func inferredNetworkFollowsTheShapes() throws {
        let tensors = [
            Self.tensor("out.weight", [2, 4]), Self.tensor("hidden.weight", [4, 3]), Self.tensor("hidden.bias", [4]),
        ]
        let inferred = try DenseChainInference(try DenseModuleOrder.recognize(tensors, file: "f"), file: "f")
        #expect(
            inferred.network
                == (try Network(
                    inputSize: 3,
                    blocks: [
                        .dense(DenseLayer(outputs: 4, bias: true, activation: .relu)),
                        .dense(DenseLayer(outputs: 2, bias: false)),
                    ])))
        #expect(inferred.summary.contains("activation relu assumed"))
    }

    /// `--map` renames a module when its key names no tensor, and a mapped file keeps its names for writing.
    @Test func mapRenamesModules() throws {
        let network = try Network(parsing: "mlp:3-4-2:relu")
        let theta: ParameterVector<Float> = network.initialParameters(seed: 1)
        let names = ["stem.weight", "stem.bias", "out.weight", "out.bias"]
        let tensors = try zip(names, network.layout.tensors).map { name, spec in
            try RawTensor(
                name: name, shape: spec.shape, elements: Array(theta.flat[spec.offset..<(spec.offset + spec.count)]))
        }
        let path = CheckpointTests.temporaryPath("m.safetensors")
        try SafetensorsFile(tensors: tensors).write(to: path)
        let model: Model<Float> = try ModelFile.read(
            path, nameMap: ["stem": "layers.0", "out.weight": "layers.2.weight", "out.bias": "layers.2.bias"],
            inferringDenseChain: true)
        #expect(model.parameters == theta && model.renamedTensors.isEmpty)
        #expect(network.layout.tensors.map { model.tensorNames.fileName(for: $0.name) } == names)
    }
}
