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
        try TorchFileSupport.require(for: input, reading: true)
        try TorchFileSupport.require(for: output, reading: false)
        let (tensors, metadata) = try ModelFile.readRaw(input)
        try ensureParentDirectory(output)
        try ModelFile.writeRaw(tensors: tensors, metadata: metadata, to: output)
        let values = tensors.reduce(0) { $0 + $1.elementCount }
        let dtypes = Set(tensors.map(\.dtype.rawValue)).sorted().joined(separator: ", ")
        print("converted \(input) → \(output): \(tensors.count) tensors, \(values) values (\(dtypes)), names kept")
    }
}

// MARK: - Connected at merge: .pt / .pth through the pickle branch's TorchCheckpointFile
/// The ONE place that refuses `.pt` / `.pth` files until the `pickle` branch's reader and writer
/// (`TorchCheckpointFile` in OrbitFormats, dispatched by `ModelFile.readRaw` / `ModelFile.writeRaw`)
/// are merged. When they are, delete this enum and its two calls in ``ConvertCommand/run()``.
enum TorchFileSupport {
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

    static func require(for path: String, reading: Bool) throws {
        let lower = path.lowercased()
        guard lower.hasSuffix(".pt") || lower.hasSuffix(".pth") else { return }
        throw Unavailable(file: path, reading: reading)
    }
}
