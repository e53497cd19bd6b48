import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Merge aligned models.")

    func run() throws { throw ValidationError("orbit merge is not available in this build") }
}
