import OrbitFormats
import OrbitNetworks

/// Every problem of a model file with respect to a network, not just the first: the report behind
/// `orbit check`.
public struct ModelCheck: Sendable {
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case missing(tensor: String, expectedShape: [Int])
        case extra(tensor: String, shape: [Int])
        case shape(tensor: String, expected: [Int], found: [Int])
        case dtype(tensor: String, dtype: String)
        case nonFinite(tensor: String, count: Int, firstIndex: Int)
        /// The file's own description differs from the one it is checked against.
        case descriptionMismatch(stored: String, given: String)
        /// The file's own description cannot be read (it is checked against the given one).
        case unreadableDescription(reason: String)

        public var description: String {
            func s(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
            switch self {
            case .missing(let t, let e): return "missing tensor \(t) \(s(e))"
            case .extra(let t, let shape): return "extra tensor \(t) \(s(shape)) (not part of the network)"
            case .shape(let t, let e, let f): return "tensor \(t) has shape \(s(f)), the network needs \(s(e))"
            case .dtype(let t, let d): return "tensor \(t) has dtype \(d), which cannot hold weights"
            case .nonFinite(let t, let n, let i):
                return "tensor \(t) holds \(n) NaN/infinite value\(n == 1 ? "" : "s") (first at flat index \(i))"
            case .descriptionMismatch(let stored, let given):
                return "the file describes its network as \(stored), not \(given)"
            case .unreadableDescription(let reason):
                return "the file's network description cannot be read: \(reason)"
            }
        }
    }

    public let file: String
    public let network: Network
    /// Where the description came from: `metadata`, `given`, or `inferred from the tensor shapes`.
    public let descriptionSource: String
    public let tensors: [RawTensor]
    public let problems: [Problem]

    public var isValid: Bool { problems.isEmpty }

    /// Checks `path` against `network` (or the description stored in the file, or — with
    /// `inferringDenseChain` — the dense chain its shapes describe, as ``ModelFile/read(_:network:nameMap:inferringDenseChain:as:)``
    /// infers it). With a given network, a stored description that differs from it, or cannot be
    /// read, is a problem too. Tensors are checked under Orbit's names when the file's naming style
    /// maps them (``NamingStyle``). Throws only when the file cannot be read at all or has no
    /// description and none is given or inferred.
    /// Time: O(file size) for the read and one pass over every floating-point tensor.
    public init(_ path: String, network given: Network? = nil, inferringDenseChain: Bool = false) throws {
        var (tensors, metadata) = try ModelFile.readRaw(path)
        var fileNames: [String: String] = [:]
        if let json = metadata[TensorNameMap.metadataKey], let stored = TensorNameMap(json: json) {
            tensors = ModelFile.renamed(tensors, by: stored.orbitNames, fileName: &fileNames)
        }
        let network: Network
        var problems: [Problem] = []
        if let given {
            network = given
            descriptionSource = "given"
            if let json = metadata[ModelFile.networkKey] {
                do {
                    let stored = try Network(json: json)
                    if stored != given {
                        func name(_ n: Network) -> String { n.compactDescription ?? n.jsonDescription }
                        problems.append(.descriptionMismatch(stored: name(stored), given: name(given)))
                    }
                } catch {
                    problems.append(.unreadableDescription(reason: "\(error)"))
                }
            }
        } else if let json = metadata[ModelFile.networkKey] {
            do { network = try Network(json: json) } catch {
                throw CheckpointError.badDescription(file: path, reason: "\(error)")
            }
            descriptionSource = "metadata"
        } else if inferringDenseChain {
            network = try DenseChainInference(try DenseModuleOrder.recognize(tensors, file: path), file: path).network
            descriptionSource = "inferred from the tensor shapes, relu assumed"
        } else {
            throw CheckpointError.noDescription(file: path)
        }
        let names = Set(tensors.map(\.name))
        if !network.layout.tensors.allSatisfy({ names.contains($0.name) }),
            let order = try? DenseModuleOrder.recognize(tensors, file: path),
            let pairs = order.assignment(to: network, requiringShapes: false)
        {
            var orbitName: [String: String] = [:]
            for (spec, t) in pairs { orbitName[t.name] = spec.name }
            tensors = ModelFile.renamed(tensors, by: orbitName, fileName: &fileNames)
        }
        var byName: [String: RawTensor] = [:]
        for t in tensors { byName[t.name] = t }
        for spec in network.layout.tensors {
            guard let t = byName[spec.name] else {
                problems.append(.missing(tensor: spec.name, expectedShape: spec.shape))
                continue
            }
            if t.shape != spec.shape && ModelFile.squeezed(t.shape) != ModelFile.squeezed(spec.shape) {
                problems.append(.shape(tensor: spec.name, expected: spec.shape, found: t.shape))
            }
            switch t.dtype {
            case .float16, .bfloat16, .float32, .float64:
                let values = t.doubles()
                let bad = values.indices.filter { !values[$0].isFinite }
                if let first = bad.first {
                    problems.append(.nonFinite(tensor: spec.name, count: bad.count, firstIndex: first))
                }
            case .int64, .int32, .int16, .int8, .uint8: break
            default: problems.append(.dtype(tensor: spec.name, dtype: t.dtype.rawValue))
            }
        }
        let expected = Set(network.layout.tensors.map(\.name))
        for t in tensors where !expected.contains(t.name) { problems.append(.extra(tensor: t.name, shape: t.shape)) }
        file = path
        self.network = network
        self.tensors = tensors
        self.problems = problems
    }
}
