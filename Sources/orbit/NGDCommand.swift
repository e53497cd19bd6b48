import ArgumentParser
import OrbitKit

// Being built in this session; replaced by the real command.
struct NGDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ngd", abstract: "Normalised geodesic distance between two minima.")

    func run() throws { throw ValidationError("orbit ngd is not available in this build") }
}
