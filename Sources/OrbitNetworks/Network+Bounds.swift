/// Size bounds for parsed network descriptions.
///
/// A description is a few bytes of untrusted text that fixes how much memory a parameter vector
/// takes: `mlp:9999999999-9999999999-1` names 10²⁰ weights, whose element count overflows `Int`
/// (and would trap in ``Network/layout``). The parsers therefore check, with
/// `multipliedReportingOverflow`, that every tensor's element count and the total fit in `Int`
/// with room for 8-byte scalars, and bound the repetition count of `resmlp` blocks
/// (``maxBlockCount``).
extension Network {
    /// The most parameters a description may name: |θ| · 8 bytes must fit in `Int`.
    public static let maxParameterCount = Int.max / 8
    /// The most blocks a description may repeat (`resmlp:…-WIDTHxBLOCKS-…`): 20 characters such as
    /// `resmlp:78-6x52409-10` otherwise cost seconds of layout building (found by fuzzing); deep
    /// residual MLPs in the papers have tens of blocks.
    public static let maxBlockCount = 1_000

    /// Throws ``NetworkError/invalid(reason:)`` unless |θ| ≤ ``maxParameterCount`` without
    /// overflow. O(number of layers).
    static func requireRepresentableChain(inputSize: Int, blocks: [NetworkBlock]) throws(NetworkError) {
        var total = 0
        func add(_ count: Int) throws(NetworkError) {
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow, sum <= Self.maxParameterCount else {
                throw .invalid(reason: "the network has more than \(Self.maxParameterCount) parameters")
            }
            total = sum
        }
        func dense(_ d: DenseLayer, inputs: Int) throws(NetworkError) {
            let (weights, overflow) = d.outputs.multipliedReportingOverflow(by: inputs)
            guard !overflow else {
                throw .invalid(reason: "a \(d.outputs)×\(inputs) weight matrix has more elements than fit in memory")
            }
            try add(weights)
            if d.bias { try add(d.outputs) }
        }
        var size = inputSize
        for block in blocks {
            switch block {
            case .dense(let d):
                try dense(d, inputs: size)
                size = d.outputs
            case .residual(let r):
                var inner = size
                for d in r.layers {
                    try dense(d, inputs: inner)
                    inner = d.outputs
                }
            }
        }
    }
}
