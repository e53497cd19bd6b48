/// What one run of the `orbit` executable left behind.
public struct OrbitRun: Sendable {
    /// The exit status (0 on success).
    public var status: Int32
    /// Everything written to standard output.
    public var output: String
    /// Everything written to standard error.
    public var error: String
}
