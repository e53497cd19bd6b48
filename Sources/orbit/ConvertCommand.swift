import ArgumentParser
import Foundation
import OrbitKit

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model file between safetensors, NPZ and PyTorch .pt, keeping every tensor as it is.",
        discussion: """
            The format of each side is read from its extension (.safetensors, .npz, .pt/.pth). Names, dtypes,
            shapes and values are kept exactly (a state dict stays loadable with model.load_state_dict), and
            so is the metadata (Orbit's network description among it) where the output format has a place for
            it: safetensors' __metadata__, NPZ's __orbit_metadata__ member; a .pt state dict has none.
            NumPy has no bfloat16, so BF16 tensors cannot go to .npz.
            Example: orbit convert model.pt model.safetensors
            """)

    @Argument(help: "The file to read (.safetensors, .npz, .pt or .pth).") var input: String
    @Argument(help: "The file to write (.safetensors, .npz, .pt or .pth); written atomically.") var output: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let (tensors, metadata) = try TorchFileSupport.read(input)
        try ensureParentDirectory(output)
        try TorchFileSupport.write(tensors: tensors, metadata: metadata, to: output)
        let values = tensors.reduce(0) { $0 + $1.elementCount }
        let dtypes = Set(tensors.map(\.dtype.rawValue)).sorted().joined(separator: ", ")
        print("converted \(input) → \(output): \(tensors.count) tensors, \(values) values (\(dtypes)), names kept")
    }
}

// MARK: - Connected at merge: .pt / .pth through the pickle branch's TorchCheckpointFile
/// The ONE place that refuses `.pt` / `.pth` files until the `pickle` branch's reader and writer
/// (`TorchCheckpointFile` in OrbitFormats) are merged. At the merge: in ``read(_:)`` delete the
/// `refuse` line (`ModelFile.readRaw` then reads `.pt`); in ``write(tensors:metadata:to:)``
/// replace the `refuse` line with `try TorchCheckpointFile.write(tensors: tensors, to: path); return`
/// (a `.pt` state dict has no place for metadata — `ModelFile.writeRaw` refuses `.pt` for that
/// reason, so convert writes it directly); then delete ``Unavailable`` and ``refuse(_:reading:)``.
enum TorchFileSupport {
    /// The tensors and metadata of any model file.
    static func read(_ path: String) throws -> (tensors: [RawTensor], metadata: [String: String]) {
        if isTorch(path) { try refuse(path, reading: true) }
        return try ModelFile.readRaw(path)
    }

    /// Writes `tensors` (and `metadata` where the format has a place for it) by `path`'s extension.
    static func write(tensors: [RawTensor], metadata: [String: String], to path: String) throws {
        if isTorch(path) { try refuse(path, reading: false) }
        try ModelFile.writeRaw(tensors: tensors, metadata: metadata, to: path)
    }

    static func isTorch(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".pt") || lower.hasSuffix(".pth")
    }

    /// A `.pt` / `.pth` file this build cannot read or write yet.
    struct Unavailable: Error, CustomStringConvertible {
        let file: String
        let reading: Bool
        var description: String {
            "\(file): \(reading ? "reading" : "writing") .pt needs the restricted PyTorch checkpoint "
                + "\(reading ? "reader" : "writer") (TorchCheckpointFile), which this build does not have yet; "
                + "save the state dict with safetensors.torch.save_file instead"
        }
    }

    static func refuse(_ path: String, reading: Bool) throws { throw Unavailable(file: path, reading: reading) }
}
