import OrbitFormats

/// How a PyTorch `state_dict` names the dense layers of a chain, and so in which order they run.
///
/// Every module holds `NAME.weight` (out, in) and optionally `NAME.bias` (out). Safetensors stores
/// names sorted (`fc10` before `fc2`, `1.bias` before `1.weight`), so the file's order is not the
/// definition order; the order is read from the names instead:
/// - when every module name has the same form up to its numbers (`layers.#`, `#`, `fc#`,
///   `blocks.#.fc#`), the order of those numbers (compared as integers, left to right);
/// - otherwise, the chaining of shapes (the outputs of one = the inputs of the next), when exactly
///   one order chains in which modules of the same form keep the order of their numbers (`fc1`,
///   `fc2`, `fc3`, `out`: `fc2` before `fc3` even when both are square);
/// - otherwise the order is ambiguous and the file needs `--map` (the error lists the candidates).
///
/// Wrapper prefixes (`module.` from DataParallel, `model.` from Lightning, or both) shared by every
/// tensor are recognised and reported; they do not change the order.
public enum NamingStyle: Hashable, Sendable, CustomStringConvertible {
    /// `PREFIX.N.weight`: an `nn.ModuleList` (or Orbit's own `layers.N`).
    case moduleList(prefix: String)
    /// `N.weight` with gaps where activations sit: an `nn.Sequential` saved directly.
    case sequential
    /// Named modules that carry numbers (`fc1`, `fc2`, …); `template` shows the form with `#`.
    case numberedModules(template: String)
    /// Names without a common numbering, ordered by the chaining of their shapes.
    case shapeChain

    public var description: String {
        switch self {
        case .moduleList(let prefix): return "ModuleList \(prefix).N"
        case .sequential: return "Sequential N (gaps where activations sit)"
        case .numberedModules(let template): return "named modules \(template.replacingHash("N")) in numeric order"
        case .shapeChain: return "named modules in the order their shapes chain"  // and numbered ones by number
        }
    }
}

/// One dense module of a file: `name.weight` (outputs, inputs) and the optional `name.bias`.
public struct DenseModuleTensors: Sendable {
    /// The module's name as the file has it (wrapper prefix included).
    public let name: String
    public let weight: RawTensor
    public let bias: RawTensor?
    public var outputs: Int { weight.shape[0] }
    public var inputs: Int { weight.shape[1] }
    /// The tensors in Orbit's layout order: weight, then bias.
    public var tensors: [RawTensor] { [weight] + (bias.map { [$0] } ?? []) }
}

/// The dense modules of a file in the order they run, and how that order was read.
public struct DenseModuleOrder: Sendable {
    public let modules: [DenseModuleTensors]
    public let style: NamingStyle
    /// The wrapper prefix every tensor shares (`module.`, `model.`, `module.model.`…), or "".
    public let wrapper: String

    /// At most this many modules are ordered by their shapes (the search is exponential in the
    /// worst case — all layers square); more need names that carry numbers.
    static let maxShapeChainModules = 16

    /// Groups `tensors` into dense modules and orders them (see ``NamingStyle``).
    ///
    /// Throws ``CheckpointError/notDenseChain(file:tensor:shape:reason:)`` for a tensor no dense
    /// layer has, ``CheckpointError/shapeMismatch(file:tensor:expected:found:)`` for a bias whose
    /// length is not the weight's outputs, ``CheckpointError/brokenChain(file:tensor:outputs:next:inputs:)``
    /// when the order read from the names does not chain, and
    /// ``CheckpointError/ambiguousOrder(file:candidates:flags:)`` when nothing determines the order.
    /// Time: O(tensors · log tensors), plus the shape search for un-numbered names.
    public static func recognize(_ tensors: [RawTensor], file: String) throws(CheckpointError) -> DenseModuleOrder {
        var weights: [String: RawTensor] = [:]
        var biases: [String: RawTensor] = [:]
        var moduleNames: [String] = []
        for t in tensors {
            let parts = t.name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 2, let role = parts.last, role == "weight" || role == "bias" else {
                throw .notDenseChain(
                    file: file, tensor: t.name, shape: t.shape, reason: "is neither a layer's weight nor its bias")
            }
            let module = parts.dropLast().joined(separator: ".")
            if weights[module] == nil && biases[module] == nil { moduleNames.append(module) }
            if role == "weight" {
                guard t.shape.count == 2, t.shape.allSatisfy({ $0 > 0 }) else {
                    throw .notDenseChain(
                        file: file, tensor: t.name, shape: t.shape,
                        reason: "is not a dense layer's weight (outputs, inputs)")
                }
                weights[module] = t
            } else {
                guard t.shape.count == 1 else {
                    throw .notDenseChain(
                        file: file, tensor: t.name, shape: t.shape, reason: "is not a dense layer's bias (outputs)")
                }
                biases[module] = t
            }
        }
        guard !moduleNames.isEmpty else {
            throw .notDenseChain(file: file, tensor: "(none)", shape: [], reason: "— the file holds no tensors")
        }
        var modules: [DenseModuleTensors] = []
        for name in moduleNames {
            guard let weight = weights[name] else {
                let bias = biases[name]!
                throw .notDenseChain(
                    file: file, tensor: bias.name, shape: bias.shape, reason: "has no '\(name).weight' beside it")
            }
            if let bias = biases[name], bias.shape != [weight.shape[0]] {
                throw .shapeMismatch(file: file, tensor: bias.name, expected: [weight.shape[0]], found: bias.shape)
            }
            modules.append(DenseModuleTensors(name: name, weight: weight, bias: biases[name]))
        }
        let wrapper = wrapperPrefix(moduleNames)
        let local = modules.map { String($0.name.dropFirst(wrapper.count)) }
        if modules.count == 1 {
            return DenseModuleOrder(
                modules: modules, style: style(ofTemplate: template(local[0]).form), wrapper: wrapper)
        }
        let forms = local.map(template)
        let numbered =
            Set(forms.map(\.form)).count == 1 && forms.allSatisfy { !$0.numbers.isEmpty }
            && Set(forms.map(\.numbers)).count == forms.count
        if numbered {
            let order = forms.indices.sorted { forms[$0].numbers.lexicographicallyPrecedes(forms[$1].numbers) }
            let ordered = order.map { modules[$0] }
            try requireChain(ordered, file: file)
            return DenseModuleOrder(modules: ordered, style: style(ofTemplate: forms[0].form), wrapper: wrapper)
        }
        let chains = shapeChains(modules, forms: forms, limit: 3)
        if chains.count == 1 {
            return DenseModuleOrder(modules: chains[0].map { modules[$0] }, style: .shapeChain, wrapper: wrapper)
        }
        if chains.isEmpty {
            // No order chains; name the first pair that fails in the order the file stores them.
            try requireChain(modules, file: file)
            throw .notDenseChain(
                file: file, tensor: modules[0].weight.name, shape: modules[0].weight.shape,
                reason: "starts no order in which every layer's outputs feed the next layer's inputs")
        }
        let candidates = chains.map { $0.map { modules[$0].name } }
        throw .ambiguousOrder(
            file: file, candidates: candidates, flags: mapFlags(chains[0].map { modules[$0] }))
    }

    /// The `--map` flags that name `ordered` as Orbit's `layers.0`, `layers.2`, … (the names of
    /// `mlp:…` with an activation after every hidden layer).
    static func mapFlags(_ ordered: [DenseModuleTensors]) -> String {
        ordered.enumerated().map { "--map \($0.element.name)=layers.\(2 * $0.offset)" }.joined(separator: " ")
    }

    /// Throws ``CheckpointError/brokenChain(file:tensor:outputs:next:inputs:)`` at the first
    /// consecutive pair whose shapes do not chain.
    static func requireChain(_ ordered: [DenseModuleTensors], file: String) throws(CheckpointError) {
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.outputs != b.inputs {
            throw .brokenChain(
                file: file, tensor: a.weight.name, outputs: a.outputs, next: b.weight.name, inputs: b.inputs)
        }
    }

    /// Every order of `modules` (as index lists, at most `limit`) in which each layer's outputs
    /// equal the next layer's inputs and modules of the same form (``template(_:)``) keep the order
    /// of their numbers: a depth-first search for Hamiltonian paths in the "feeds" graph, which real
    /// networks keep tiny (few layers share a width). Empty when there are more than
    /// ``maxShapeChainModules`` modules.
    static func shapeChains(
        _ modules: [DenseModuleTensors], forms: [(form: String, numbers: [Int])], limit: Int
    ) -> [[Int]] {
        guard modules.count <= maxShapeChainModules else { return [] }
        var found: [[Int]] = []
        var path: [Int] = []
        var used = [Bool](repeating: false, count: modules.count)
        func extend() {
            if found.count >= limit { return }
            if path.count == modules.count {
                found.append(path)
                return
            }
            for next in modules.indices where !used[next] {
                if let last = path.last, modules[last].outputs != modules[next].inputs { continue }
                // A module of the same form with a smaller number must come first.
                let skipsAhead = modules.indices.contains { j in
                    !used[j] && j != next && !forms[j].numbers.isEmpty && forms[j].form == forms[next].form
                        && forms[j].numbers.lexicographicallyPrecedes(forms[next].numbers)
                }
                if skipsAhead { continue }
                used[next] = true
                path.append(next)
                extend()
                path.removeLast()
                used[next] = false
            }
        }
        extend()
        return found
    }

    /// The longest run of `module.` / `model.` components that starts every name and leaves each
    /// name non-empty.
    static func wrapperPrefix(_ names: [String]) -> String {
        var prefix = ""
        while true {
            let next = ["module.", "model."].first { w in
                names.allSatisfy { $0.hasPrefix(prefix + w) && $0.count > (prefix + w).count }
            }
            guard let next else { return prefix }
            prefix += next
        }
    }

    /// A name's form with every run of digits replaced by `#`, and those numbers in order.
    static func template(_ name: String) -> (form: String, numbers: [Int]) {
        var form = ""
        var numbers: [Int] = []
        var digits = ""
        func flush() {
            guard !digits.isEmpty else { return }
            numbers.append(Int(digits) ?? Int.max)
            form += "#"
            digits = ""
        }
        for c in name {
            if c.isASCII && c.isNumber {
                digits.append(c)
            } else {
                flush()
                form.append(c)
            }
        }
        flush()
        return (form, numbers)
    }

    static func style(ofTemplate form: String) -> NamingStyle {
        if form == "#" { return .sequential }
        if form.hasSuffix(".#"), !form.dropLast(2).contains("#") {
            return .moduleList(prefix: String(form.dropLast(2)))
        }
        if form.contains("#") { return .numberedModules(template: form) }
        return .shapeChain
    }
}

extension String {
    func replacingHash(_ replacement: String) -> String {
        split(separator: "#", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
