// swift-tools-version: 6.1
// Orbit: mode connectivity of neural-network minima (see README.md).
//
// Layers, each importing only those below (CONTRIBUTING.md, "Code"):
//   command line (orbit)
//   OrbitKit                                  umbrella: re-exports every layer
//   OrbitExperiments                          reproductions of the papers' claims, the demo, sweeps, reports
//   OrbitStudies                              declarative studies: content-addressed runs, local and Slurm executors
//   OrbitSymmetry · OrbitAlignment · OrbitStar group actions and orbit curves (Zhao et al.) · permutation
//                                             matching, OT, merging (Ferbach et al., Git Re-Basin) · star
//                                             centres, NGD, exact constructions (Lin, Li & Wu)
//   OrbitCurvature                            Hessian-vector products, Lanczos, Hutchinson, spectral density
//   OrbitPaths                                paths between minima, their fused evaluation, barriers
//   OrbitReports                              SVG charts and heatmaps, HTML pages, CSV/JSON tables
//   OrbitTraining                             optimisers, training loops, evaluation, resumable runs
//   OrbitCheckpoints                          model files (safetensors, NPZ, ONNX) with their descriptions
//   OrbitONNX                                 ONNX graphs → networks + θ (swift-protobuf; generated code committed)
//   OrbitNetworks · OrbitData                 f(x; θ), parameter vectors · in-memory data sets, readers
//   OrbitFormats                              bounded parsers: safetensors, NPY/NPZ, IDX, CSV, gzip, pickle/.pt
//   OrbitNumerics                             matrices, BLAS/LAPACK, matrix functions, assignment
//   CBLAS (OpenBLAS + LAPACKE) / Accelerate, CZlib, CDNNL (oneDNN, Linux)
// Each layer is its own target, so the compiler enforces that nothing imports upward; each target's
// dependencies are exactly the modules its files import (scripts/check-imports.py, run by lint.sh).
import PackageDescription

let package = Package(
    name: "Orbit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "OrbitKit", targets: ["OrbitKit"]),
        // Only the parsers, for the fuzz package (Fuzz/): its sanitizer build then compiles three layers, not all.
        .library(name: "OrbitParsers", targets: ["OrbitFormats", "OrbitNetworks", "OrbitONNX"]),
        .executable(name: "orbit", targets: ["orbit"]),
        .executable(name: "orbit-bench", targets: ["OrbitBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // OpenBLAS + LAPACKE on Linux (Debian: libopenblas-dev, liblapacke-dev); Accelerate on Apple.
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "OrbitNumerics",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                .target(name: "CDNNL", condition: .when(platforms: [.linux])),
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // oneDNN (Debian: libdnnl-dev) for Float convolutions and single-precision GEMM; Linux only, elsewhere Conv2dKernel's im2col + GEMM.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .target(name: "OrbitFormats", dependencies: ["OrbitNumerics", "CZlib"]),
        .target(
            name: "OrbitNetworks",
            dependencies: ["OrbitNumerics", .target(name: "CDNNL", condition: .when(platforms: [.linux]))]
        ),
        .target(name: "OrbitData", dependencies: ["OrbitNumerics", "OrbitFormats"]),
        // The ONNX reader: Generated/onnx.pb.swift comes from scripts/generate-onnx-swift.sh, never from a build.
        .target(
            name: "OrbitONNX",
            dependencies: [
                "OrbitFormats", "OrbitNetworks", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Generated/onnx.proto"]
        ),
        .target(
            name: "OrbitCheckpoints", dependencies: ["OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitONNX"]
        ),
        .target(
            name: "OrbitTraining",
            dependencies: ["OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData"]
        ),
        .target(name: "OrbitReports", dependencies: ["OrbitFormats"]),
        .target(
            name: "OrbitPaths",
            dependencies: ["OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitTraining"]
        ),
        .target(
            name: "OrbitCurvature",
            dependencies: ["OrbitNumerics", "OrbitNetworks", "OrbitData", "OrbitTraining"]
        ),
        .target(name: "OrbitSymmetry", dependencies: ["OrbitNumerics", "OrbitNetworks", "OrbitPaths"]),
        .target(name: "OrbitAlignment", dependencies: ["OrbitNumerics", "OrbitNetworks"]),
        .target(
            name: "OrbitStar",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitTraining", "OrbitPaths",
            ]
        ),
        .target(
            name: "OrbitStudies",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining",
                "OrbitReports", "OrbitPaths", "OrbitCurvature", "OrbitAlignment", "OrbitStar",
            ]
        ),
        .target(
            name: "OrbitExperiments",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining",
                "OrbitReports", "OrbitPaths", "OrbitCurvature", "OrbitSymmetry", "OrbitAlignment", "OrbitStar",
                "OrbitStudies",
            ],
            // ClaimSourceHashes: the hash of the sources the claims are built from (claim records store it).
            plugins: ["ClaimSourceHash"]
        ),
        // The plugin's build tool: hashes the Swift files it is given (Plugins/ClaimSourceHash).
        .executableTarget(name: "OrbitSourceHash"),
        .plugin(name: "ClaimSourceHash", capability: .buildTool(), dependencies: ["OrbitSourceHash"]),
        .target(
            name: "OrbitKit",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitONNX", "OrbitData", "OrbitCheckpoints",
                "OrbitTraining", "OrbitReports", "OrbitPaths", "OrbitCurvature", "OrbitSymmetry", "OrbitAlignment",
                "OrbitStar", "OrbitStudies",
                "OrbitExperiments",
            ]
        ),
        .executableTarget(
            name: "orbit",
            dependencies: [
                "OrbitKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "OrbitBenchmarks",
            dependencies: [
                "OrbitKit",
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the command-line suites share: running the built `orbit` executable, killing it mid-run.
        .target(name: "OrbitTestSupport", path: "Tests/OrbitTestSupport"),
        .testTarget(
            name: "OrbitNetworksTests",
            dependencies: [
                "CZlib", "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitONNX", "OrbitData", "OrbitCheckpoints",
                "OrbitTraining", "OrbitReports", "OrbitPaths", "OrbitTestSupport",
            ]
        ),
        .testTarget(
            name: "OrbitSymmetryTests",
            dependencies: [
                "OrbitNumerics", "OrbitNetworks", "OrbitData", "OrbitPaths", "OrbitSymmetry", "OrbitExperiments",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "OrbitAlignmentTests",
            dependencies: [
                "OrbitNumerics", "OrbitNetworks", "OrbitCheckpoints", "OrbitAlignment", "OrbitTestSupport",
            ]
        ),
        .testTarget(
            name: "OrbitStarTests",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining",
                "OrbitPaths", "OrbitStar", "OrbitExperiments", "OrbitTestSupport",
            ]
        ),
        .testTarget(
            name: "OrbitExperimentsTests",
            dependencies: [
                "OrbitNumerics", "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining",
                "OrbitPaths", "OrbitCurvature", "OrbitReports", "OrbitExperiments", "OrbitTestSupport",
            ]
        ),
        .testTarget(
            name: "OrbitStudiesTests",
            dependencies: [
                "OrbitFormats", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining", "OrbitCurvature",
                "OrbitStar", "OrbitStudies", "OrbitTestSupport",
            ]
        ),
        .testTarget(name: "OrbitNumericsTests", dependencies: ["OrbitNumerics"]),
        .testTarget(
            name: "OrbitCurvatureTests",
            dependencies: [
                "OrbitNumerics", "OrbitNetworks", "OrbitData", "OrbitCheckpoints", "OrbitTraining", "OrbitCurvature",
                "OrbitTestSupport",
            ]
        ),
    ]
)
