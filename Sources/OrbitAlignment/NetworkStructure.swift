import OrbitNetworks
import OrbitNumerics

/// A network flattened into dense steps with the permutation group of each step's input and output
/// units — the structure ``PermutationSpec`` and the layer-wise statistics (activation matching,
/// Σ-weighted matching, REPAIR) share.
///
/// Step k computes z = W·x + b (+ ε·skip) and a = σ(z) from slot `input` (−1: the network input,
/// otherwise step `input`'s output). Names follow ``Network/layout`` (a PyTorch `Sequential` whose
/// activations are modules of their own).
struct NetworkStructure: Sendable {
    struct Step: Sendable {
        let module: String
        let weight: String
        let bias: String?
        let inputs: Int
        let outputs: Int
        let activation: Activation
        let input: Int
        let skipFrom: Int?
        let skipScale: Double
        var inputGroup: String?
        var outputGroup: String?
    }

    let steps: [Step]

    init(_ network: Network) {
        var steps: [Step] = []
        var current = -1
        var size = network.inputSize
        var group: String? = nil
        var index = 0
        func add(
            _ d: DenseLayer, module: String, activation: Activation, skip: Int?, scale: Double, output: String?
        ) {
            steps.append(
                Step(
                    module: module, weight: module + ".weight", bias: d.bias ? module + ".bias" : nil, inputs: size,
                    outputs: d.outputs, activation: activation, input: current, skipFrom: skip, skipScale: scale,
                    inputGroup: group, outputGroup: output))
            current = steps.count - 1
            size = d.outputs
            group = output
        }
        for block in network.blocks {
            let module = "\(network.namePrefix).\(index)"
            index += 1
            switch block {
            case .dense(let d):
                if d.activation != .identity { index += 1 }
                add(d, module: module, activation: d.activation, skip: nil, scale: 0, output: module)
            case .residual(let r):
                let blockInput = current
                let streamGroup = group
                var inner = 0
                for (i, d) in r.layers.enumerated() {
                    let name = "\(module).layers.\(inner)"
                    inner += 1 + (d.activation == .identity ? 0 : 1)
                    let last = i == r.layers.count - 1
                    add(
                        d, module: name, activation: last ? r.activation : d.activation, skip: last ? blockInput : nil,
                        scale: last ? r.skipScale : 0, output: last ? streamGroup : name)
                }
            }
        }
        // The network's output units are never permuted: drop the group that reaches them everywhere.
        if let outputGroup = steps.last?.outputGroup {
            for k in steps.indices {
                if steps[k].inputGroup == outputGroup { steps[k].inputGroup = nil }
                if steps[k].outputGroup == outputGroup { steps[k].outputGroup = nil }
            }
        }
        self.steps = steps
    }

    /// Whether every step reads the previous one and none has a skip (an MLP or linear chain).
    var isChain: Bool {
        steps.enumerated().allSatisfy { $0.element.input == $0.offset - 1 && $0.element.skipFrom == nil }
    }
}

/// Runs a network layer by layer in Float64 on a batch, handing each step's pre- and post-activations
/// to a visitor — the statistics of activation matching, Σ-weighted matching and REPAIR are streamed
/// through this. Cost: the forward pass, 2·b·Σ in·out flops (GEMM), plus O(b·Σ out) elementwise.
struct LayerwiseForward {
    let structure: NetworkStructure
    let weights: [Matrix<Double>]
    let biases: [[Double]?]

    init(network: Network, parameters: ParameterVector<Float>) {
        self.init(structure: NetworkStructure(network), parameters: parameters)
    }

    init(structure: NetworkStructure, parameters: ParameterVector<Float>) {
        self.structure = structure
        weights = structure.steps.map { parameters.tensor($0.weight)!.converted(to: Double.self) }
        biases = structure.steps.map { s in s.bias.map { parameters.tensor($0)!.flat.map(Double.init) } }
    }

    /// Runs the batch `x` (b × inputs) and calls `visit(k, input, z, a)` for every step k, where `input`
    /// is the step's input and z, a its pre- and post-activations (b × outputs).
    func run(_ x: Matrix<Double>, visit: (Int, Matrix<Double>, Matrix<Double>, Matrix<Double>) -> Void) {
        var outputs: [Matrix<Double>] = []
        for (k, step) in structure.steps.enumerated() {
            let input = step.input < 0 ? x : outputs[step.input]
            var z = Matrix.product(input, weights[k], transposeB: .transposed)
            if let from = step.skipFrom {
                let source = from < 0 ? x : outputs[from]
                z.add(source, scaledBy: step.skipScale)
            }
            if let b = biases[k] {
                z.withMutableView { v in
                    for i in 0..<v.rows {
                        let row = v.row(i)
                        for j in 0..<v.columns { row[j] += b[j] }
                    }
                }
            }
            let activation = step.activation
            let a = activation == .identity ? z : z.map { activation($0) }
            visit(k, input, z, a)
            outputs.append(a)
        }
    }
}

/// Rows `range` of a Float matrix as Float64.
func batchRows(_ m: Matrix<Float>, _ range: Range<Int>) -> Matrix<Double> {
    m.submatrix(rows: range, columns: 0..<m.columns).converted(to: Double.self)
}

/// Refuses a layer graph for the methods still built on ``NetworkStructure`` (dense chains), naming the
/// first node the chain form cannot describe.
func requireDenseChain(_ network: Network, method: String) throws(AlignmentError) {
    do { try network.requireDenseChain(for: method) } catch {
        throw .unsupported(method: method, reason: error.description)
    }
}
