import Foundation

/// The names a model file gave θ's tensors: Orbit layout name ↔ file name.
///
/// A model read from a PyTorch `state_dict` (`fc1.weight`, `0.weight`, `module.layers.0.weight`…)
/// carries this map, and ``ModelFile/write(_:to:)`` writes each tensor under its file name again, so
/// `model.load_state_dict(safetensors.torch.load_file(…))` works on the user's own class. The map is
/// also stored in the written file's metadata (``metadataKey``), so Orbit reads its own output back
/// without matching names again.
public struct TensorNameMap: Hashable, Sendable {
    /// Orbit name → file name, for the tensors whose names differ.
    public private(set) var fileNames: [String: String]

    /// The metadata key that stores the map as a JSON object {orbit name: file name}.
    public static let metadataKey = "orbit.tensor_names"

    /// A map from (Orbit name, file name) pairs; pairs with equal names are left out.
    public init(_ pairs: [(orbit: String, file: String)] = []) {
        fileNames = [:]
        for (orbit, file) in pairs where orbit != file { fileNames[orbit] = file }
    }

    /// True when every tensor keeps its Orbit name.
    public var isIdentity: Bool { fileNames.isEmpty }

    /// The name the file gives the tensor Orbit calls `orbit`.
    public func fileName(for orbit: String) -> String { fileNames[orbit] ?? orbit }

    /// File name → Orbit name.
    public var orbitNames: [String: String] {
        var inverse: [String: String] = [:]
        for (orbit, file) in fileNames { inverse[file] = orbit }
        return inverse
    }

    /// The JSON form stored under ``metadataKey`` (keys sorted).
    public var json: String {
        let data = (try? JSONSerialization.data(withJSONObject: fileNames, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The map stored as ``json``; nil when the text is not a JSON object of strings, or two Orbit
    /// names share one file name (such a map cannot be inverted).
    public init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String],
            Set(object.values).count == object.count
        else { return nil }
        self.init(object.map { (orbit: $0.key, file: $0.value) })
    }
}
