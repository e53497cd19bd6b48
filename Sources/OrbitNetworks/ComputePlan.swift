/// A network flattened into dense steps, the form the forward and backward kernels run.
///
/// Step k reads slot `input` (−1 is the network input, otherwise step `input`'s output), computes
/// z = W·x + b (+ ε·skip), and a = σ(z). The last inner layer of a residual block carries the skip.
struct DenseStep: Sendable {
    let weight: TensorSpec
    let bias: TensorSpec?
    let inputs: Int
    let outputs: Int
    let activation: Activation
    let input: Int
    let skipFrom: Int?
    let skipScale: Double
}

extension Network {
    var computePlan: [DenseStep] {
        let layout = self.layout
        var steps: [DenseStep] = []
        var current = -1
        var size = inputSize
        func step(_ d: DenseLayer, name: String, activation: Activation, skip: Int?, scale: Double) {
            steps.append(
                DenseStep(
                    weight: layout.tensor(named: "\(name).weight")!,
                    bias: d.bias ? layout.tensor(named: "\(name).bias")! : nil,
                    inputs: size, outputs: d.outputs, activation: activation, input: current, skipFrom: skip,
                    skipScale: scale))
            current = steps.count - 1
            size = d.outputs
        }
        for (name, block) in zip(moduleNames, blocks) {
            switch block {
            case .dense(let d):
                step(d, name: name, activation: d.activation, skip: nil, scale: 0)
            case .residual(let r):
                let blockInput = current
                let names = Self.sequentialNames(prefix: "\(name).layers", r.layers)
                for (i, (innerName, d)) in zip(names, r.layers).enumerated() {
                    let last = i == r.layers.count - 1
                    step(
                        d, name: innerName, activation: last ? r.activation : d.activation,
                        skip: last ? blockInput : nil,
                        scale: last ? r.skipScale : 0)
                }
            }
        }
        return steps
    }
}
