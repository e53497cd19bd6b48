/// Size bounds for parsed network descriptions.
///
/// A description is a few bytes of untrusted text that fixes how much memory a parameter vector
/// takes: `mlp:9999999999-9999999999-1` names 10²⁰ weights, whose element count overflows `Int`
/// (and would trap in ``Network/layout``). ``NetworkPlan`` therefore checks, with
/// `multipliedReportingOverflow`, that every tensor's element count and the total fit in `Int`
/// with room for 8-byte scalars, for every network (chains and graphs), and the parsers bound the
/// repetition count of `resmlp` blocks (``maxBlockCount``).
extension Network {
    /// The most parameters a description may name: |θ| · 8 bytes must fit in `Int`.
    public static let maxParameterCount = Int.max / 8
    /// The most blocks a description may repeat (`resmlp:…-WIDTHxBLOCKS-…`): 20 characters such as
    /// `resmlp:78-6x52409-10` otherwise cost seconds of layout building (found by fuzzing); deep
    /// residual MLPs in the papers have tens of blocks.
    public static let maxBlockCount = 1_000
}
