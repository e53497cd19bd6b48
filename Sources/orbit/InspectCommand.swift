import ArgumentParser
import Foundation
import OrbitKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors (dtype, shape) and metadata of a model file.",
        discussion: "Example: orbit inspect a.safetensors")

    @Argument(help: "A .safetensors, .npz, .pt or .pth file.") var file: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let (tensors, metadata) = try ModelFile.readRaw(file)
        print("\(file): \(tensors.count) tensors, \(tensors.reduce(0) { $0 + $1.elementCount }) values")
        if let keyPath = metadata[ModelFile.torchKeyPathKey] { print("tensors from \(keyPath)") }
        let width = max(6, tensors.map(\.name.count).max() ?? 0)
        print("tensor".padding(toLength: width, withPad: " ", startingAt: 0) + "  dtype  shape")
        for t in tensors {
            print(
                t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + t.dtype.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
                    + "  [" + t.shape.map(String.init).joined(separator: ", ") + "]")
        }
        if !metadata.isEmpty { print("metadata:") }
        for key in metadata.keys.sorted() {
            var value = metadata[key]!
            if key == "orbit.network", let network = try? Network(json: value), let compact = network.compactDescription
            {
                value = compact + "  (" + "\(network.parameterCount) parameters)"
            }
            print("  \(key): \(value.count > 200 ? String(value.prefix(200)) + "…" : value)")
        }
    }
}
