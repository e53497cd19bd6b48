import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test suite that runs the `orbit` executable end to end. Conforming gives the suite `binary`,
/// `orbit(_:in:)` and `runAndKill(_:whenFileAppears:in:timeout:)`, so every command-line suite launches,
/// reads and kills the process the same way.
///
/// The executable is looked up next to the test bundle (and one directory up), where
/// `swift build --build-tests` and `scripts/test.sh` put it; when it is not there `binary` is nil and
/// the suites' tests are disabled with `.enabled(if: binary != nil)`.
public protocol OrbitCommandLineSuite {}

/// The `orbit` executable built next to the test bundle, or nil.
private let builtOrbitBinary: URL? = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("orbit")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
}()

extension OrbitCommandLineSuite {
    /// The `orbit` executable built next to the test bundle, or nil when it has not been built.
    public static var binary: URL? { builtOrbitBinary }

    /// Runs `orbit arguments` to completion in `directory` (the test process's own working directory
    /// when nil) and returns its status and both output streams; `environment` is added to the test
    /// process's own (a child's variables, so tests running in parallel do not share them).
    /// Precondition: `binary` is not nil.
    public static func orbit(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> OrbitRun {
        let p = process(arguments, in: directory, environment: environment)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes before waiting, so a chatty run cannot block on a full pipe buffer.
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return OrbitRun(
            status: p.terminationStatus, output: String(decoding: o, as: UTF8.self),
            error: String(decoding: e, as: UTF8.self))
    }

    /// Starts `orbit arguments` in `directory` (output discarded), polls every millisecond until
    /// `file` (a path relative to `directory`, typically a run's first state file) exists, and then
    /// kills the process with SIGKILL — the crash a resumable run must survive.
    ///
    /// Returns true when the process was still running at the kill and died of the signal; false
    /// when it finished (or `timeout` seconds passed without the file) first, in which case a
    /// kill-and-resume test proves nothing and should say so.
    public static func runAndKill(
        _ arguments: [String], whenFileAppears file: String, in directory: URL, timeout: TimeInterval,
        environment: [String: String] = [:]
    ) throws -> Bool {
        let p = try start(arguments, in: directory, environment: environment)
        let path = directory.appendingPathComponent(file).path
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: path) && p.isRunning && Date() < deadline { usleep(1000) }
        let killedInTime = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return killedInTime && p.terminationReason == .uncaughtSignal
    }

    /// Starts `orbit arguments` in `directory` (the test process's own when nil) with its output
    /// discarded, and returns the running process — for tests that decide themselves when to kill it.
    public static func start(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) throws -> Process {
        let p = process(arguments, in: directory, environment: environment)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// An `orbit` process not yet started: its arguments, working directory and environment.
    static func process(_ arguments: [String], in directory: URL?, environment: [String: String]) -> Process {
        let p = Process()
        p.executableURL = binary!
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        return p
    }

    /// The ids of the live child processes of `pid` (read from /proc; empty where there is none), so
    /// a test can kill a command together with the processes it started.
    public static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after "(comm)": state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }
}
