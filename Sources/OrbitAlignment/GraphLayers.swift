import OrbitNetworks
import OrbitNumerics

/// One Linear or Conv2d node as the data- and neuron-based matchers read it through a permutation
/// spec: its weight (read as out × (in·block), a convolution's C_in·kH·kW columns, a Linear's input
/// features), the spec groups of its rows and of its input column blocks, and the node whose output
/// it reads.
struct WeightedLayer {
    let node: Int
    let weight: TensorSpec
    /// The node the layer reads (−1: the network input).
    let input: Int
    /// The node whose output carries the layer's input channels: `input`, seen through any Flatten
    /// (a Linear after a Flatten reads the C×H×W output before it, as C blocks of H·W features).
    let observed: Int
    /// A convolution's geometry (nil for a Linear).
    let geometry: Conv2dGeometry?
    /// The spec group permuting the weight's rows (the units it produces), if any.
    let outputGroup: String?
    /// The spec group permuting the weight's input column blocks, if any.
    let inputGroup: String?
    /// Columns per input unit: kH·kW for a convolution, H·W after a Flatten, else 1.
    let block: Int
}

/// The Linear and Conv2d nodes of a network, in graph order, labelled by a spec's groups — what
/// activation matching, Σ-weighted matching and layer-wise OT read instead of a dense chain
/// (docs/math/alignment.md §12). O(nodes + tensors).
struct GraphLayers {
    let layers: [WeightedLayer]
    /// The node owning each tensor, by name.
    let owner: [String: Int]

    init(network: Network, spec: PermutationSpec) {
        let plan = network.plan
        let groups = spec.axisGroups
        var blocks: [String: Int] = [:]
        for g in spec.groups { for a in g.axes where a.axis == 1 { blocks[a.tensor] = a.block } }
        var layers: [WeightedLayer] = []
        var owner: [String: Int] = [:]
        for (k, node) in plan.nodes.enumerated() {
            for t in plan.nodeTensors[k] { owner[t.name] = k }
            let geometry: Conv2dGeometry?
            switch node.layer {
            case .linear: geometry = nil
            case .conv2d(let c):
                let x = plan.inputShapes(of: k)[0]
                geometry = Conv2dGeometry(
                    inChannels: x[0], height: x[1], width: x[2], outChannels: c.outChannels,
                    kernelHeight: c.kernel[0], kernelWidth: c.kernel[1], strideHeight: c.stride[0],
                    strideWidth: c.stride[1], paddingHeight: c.padding[0], paddingWidth: c.padding[1])
            default: continue
            }
            guard let weight = plan.tensor("weight", of: k) else { continue }
            let input = plan.inputIndices[k][0]
            var observed = input
            while observed >= 0, case .flatten = plan.nodes[observed].layer {
                observed = plan.inputIndices[observed][0]
            }
            layers.append(
                WeightedLayer(
                    node: k, weight: weight, input: input, observed: observed, geometry: geometry,
                    outputGroup: groups[PermutedAxis(tensor: weight.name, axis: 0)],
                    inputGroup: groups[PermutedAxis(tensor: weight.name, axis: 1)], block: blocks[weight.name] ?? 1))
        }
        self.layers = layers
        self.owner = owner
    }

    /// The observation points of group `group`: the distinct nodes whose outputs the layers reading
    /// the group see (post-activation; for a residual stream every block output read by the next
    /// block and the stream's last reader), in graph order.
    func observationPoints(of group: String) -> [Int] {
        var seen: Set<Int> = []
        return layers.filter { $0.inputGroup == group }.map(\.observed).filter { seen.insert($0).inserted }.sorted()
    }
}

/// A tensor of `theta` in Float64 as the spec indexes it: one row per unit of axis 0 (a vector is a
/// column) and the rest of the tensor as columns.
func unitRows(_ theta: ParameterVector<Float>, _ tensor: TensorSpec) -> Matrix<Double> {
    let rows = tensor.shape.first ?? 1
    return Matrix(
        rows: rows, columns: tensor.count / Swift.max(rows, 1), flat: theta.tensor(tensor.name)!.flat.map(Double.init))
}

/// Streams `inputs` once in batches of at most `batchSize` rows (fewer for wide conv nets) through one evaluation-mode Float64
/// workspace per model (BatchNorm uses its running statistics), each keeping the outputs of
/// `observing`; `body` receives the batch (Float64) and the workspaces after their forward passes.
/// Cost: one forward pass per model and batch; no allocation per batch.
func streamObservations(
    network: Network, models: [ParameterVector<Float>], inputs: Matrix<Float>, batchSize: Int,
    observing: Set<Int>, body: (MatrixView<Double>, [NetworkWorkspace<Double>]) throws -> Void
) rethrows {
    // Rows per batch: at most `batchSize`, fewer when the observed outputs (kept) and the widest
    // node would pass ~2²⁴ doubles (128 MB) per workspace — a conv net's nodes are C·H·W wide.
    let plan = network.plan
    let perSample =
        observing.reduce(0) { $0 + plan.outputShapes[$1].reduce(1, *) }
        + 4 * (plan.outputShapes.map { $0.reduce(1, *) }.max() ?? 1)
    let capacity = Swift.max(1, Swift.min(batchSize, inputs.rows, (1 << 24) / Swift.max(perSample, 1)))
    let parameters = models.map { $0.converted(to: Double.self) }
    let workspaces = models.map { _ in
        NetworkWorkspace<Double>(network: network, capacity: capacity, inference: true, observing: observing)
    }
    var batch = Matrix<Double>(rows: capacity, columns: inputs.columns)
    var start = 0
    while start < inputs.rows {
        let end = Swift.min(start + capacity, inputs.rows)
        inputs.withView { x in
            batch.withMutableView { d in
                for i in start..<end {
                    let s = x.row(i), t = d.row(i - start)
                    for j in 0..<s.count { t[j] = Double(s[j]) }
                }
            }
        }
        try batch.withView { whole in
            let x = whole.submatrix(rows: 0..<(end - start), columns: 0..<whole.columns)
            for (w, p) in zip(workspaces, parameters) { w.forward(p, inputs: x) }
            try body(x, workspaces)
        }
        start = end
    }
}

/// The output of node `node` in the last pass of `workspace` (the batch itself for the network input).
func observedOutput(_ node: Int, batch: MatrixView<Double>, in workspace: NetworkWorkspace<Double>)
    -> MatrixView<Double>
{
    node < 0 ? batch : workspace.output(ofNode: node)
}
