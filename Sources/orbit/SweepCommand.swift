import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Width and learning-rate sweeps of aligned barriers.")

    func run() throws { throw ValidationError("orbit sweep is not available in this build") }
}
