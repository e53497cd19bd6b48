import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct StarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star", abstract: "Fit a star centre for several minima.")

    func run() throws { throw ValidationError("orbit star is not available in this build") }
}
