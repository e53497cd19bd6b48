// swift-tools-version: 6.1
// Orbit: mode connectivity of neural-network minima (see README.md).
//
// Layers, each importing only those below (DESIGN.md):
//   command line (orbit)  →  OrbitKit (umbrella)  →  OrbitNumerics  →  CBLAS / Accelerate
// Later layers (networks, data, checkpoints, paths, symmetry, alignment, experiments, reports)
// are added as their own targets so the compiler enforces the layering.
import PackageDescription

let package = Package(
    name: "Orbit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "OrbitKit", targets: ["OrbitKit"]),
        .executable(name: "orbit", targets: ["orbit"]),
        .executable(name: "orbit-bench", targets: ["OrbitBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // OpenBLAS + LAPACKE on Linux (Debian: libopenblas-dev, liblapacke-dev); Accelerate on Apple.
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "OrbitNumerics",
            dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux]))]
        ),
        .target(name: "OrbitKit", dependencies: ["OrbitNumerics"]),
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
        .testTarget(
            name: "OrbitNumericsTests",
            dependencies: [
                "OrbitNumerics",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
