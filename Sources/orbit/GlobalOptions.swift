import ArgumentParser
import Foundation
import OrbitKit

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Threads for BLAS and Orbit's own loops (default: ORBIT_THREADS, else every core).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
    }

    /// Applies the options; call first in `run()`.
    func apply() { Threading.configure(threads: threads) }
}

/// Writes a line to standard output at once: step announcements then interleave in order with the
/// progress lines on standard error, also when both go to one log file (print is block-buffered there).
func printUnbuffered(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
