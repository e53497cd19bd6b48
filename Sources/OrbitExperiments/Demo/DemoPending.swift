import OrbitData
import OrbitNetworks
import OrbitPaths

// Temporary while the alignment and star layers land in this session.
extension Demo {
    func alignedLines(models: inout [DemoModel], network: Network, dataset: Dataset, t: [Double]) throws
        -> DemoPathGroup
    {
        DemoPathGroup(key: "aligned", heading: "After weight matching", explanation: "pending", profiles: [])
    }

    func starGroup(
        models: [DemoModel], lines: [PathProfile], network: Network, dataset: Dataset, t: [Double],
        config: DemoConfiguration
    ) throws -> DemoPathGroup {
        DemoPathGroup(key: "star", heading: "Star centre", explanation: "pending", profiles: [])
    }
}
