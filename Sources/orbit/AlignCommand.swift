import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align", abstract: "Align B's hidden units to A's by permutation.")

    func run() throws { throw ValidationError("orbit align is not available in this build") }
}
