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

    @Argument(help: "The file to read (.safetensors, .npz, .pt, .pth or .onnx).") var input: String
    @Argument(help: "The file to write (.safetensors, .npz, .pt or .pth); written atomically.") var output: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let (tensors, metadata) = try ModelFile.readRaw(input)
        try ensureParentDirectory(output)
        try ModelFile.writeRaw(tensors: tensors, metadata: metadata, to: output)
        let lower = output.lowercased()
        if !metadata.isEmpty && (lower.hasSuffix(".pt") || lower.hasSuffix(".pth")) {
            FileHandle.standardError.write(
                Data(
                    "note: a .pt state dict has no place for metadata; \(metadata.count) entries were not written\n"
                        .utf8))
        }
        let values = tensors.reduce(0) { $0 + $1.elementCount }
        let dtypes = Set(tensors.map(\.dtype.rawValue)).sorted().joined(separator: ", ")
        print("converted \(input) → \(output): \(tensors.count) tensors, \(values) values (\(dtypes)), names kept")
    }
}
