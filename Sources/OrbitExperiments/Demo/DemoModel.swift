import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitReports
import OrbitTraining

/// One trained (or derived) model of the demo, with its metrics and where it was saved.
public struct DemoModel {
    public var name: String
    public var seed: UInt64?
    public var parameters: ParameterVector<Float>
    public var train: SplitMetrics
    public var test: SplitMetrics?
    /// Relative to the report folder.
    public var file: String
}

/// A group of paths the report shows together: a heading, a sentence on what to look for, the
/// profiles (one chart for all), and extra tables.
public struct DemoPathGroup {
    public var key: String
    public var heading: String
    public var explanation: String
    public var profiles: [PathProfile]
    public var tables: [(caption: String, columns: [String], rows: [[String]])] = []
    public var numbers: ResultValue = [:]
}
