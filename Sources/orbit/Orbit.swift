import ArgumentParser
import OrbitKit

@main
struct Orbit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orbit",
        abstract: "Mode connectivity of neural-network minima: barriers, alignment, symmetry curves, star centres.",
        version: orbitVersion,
        subcommands: [
            DemoCommand.self, ReproduceCommand.self, TrainCommand.self, EvalCommand.self, InspectCommand.self,
            PathCommand.self, HessianCommand.self,
            CurveCommand.self, PlaneCommand.self, LandscapeCommand.self, SymmetryCommand.self, AlignCommand.self,
            MergeCommand.self, SweepCommand.self, StarCommand.self, NGDCommand.self, CheckCommand.self,
            DoctorCommand.self, ConvertCommand.self, StudyCommand.self,
        ]
    )
}
