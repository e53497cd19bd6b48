// swift-tools-version: 6.1
// Coverage-guided fuzz targets for Orbit's parsers (libFuzzer via `-sanitize=fuzzer`).
// A separate package so the instrumentation never touches the main build; see README.md.
//
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --scratch-path ../.build-fuzz
//   ../.build-fuzz/debug/fuzz-safetensors Corpus/fuzz-safetensors -max_total_time=60
import Foundation
import PackageDescription

// A path dependency's identity is its directory name, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: rootIdentity) },
        path: "Sources/\(name)"
    )
}

let package = Package(
    name: "OrbitFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        fuzzTarget("fuzz-safetensors", ["OrbitParsers"]),
        fuzzTarget("fuzz-npz", ["OrbitParsers"]),
        fuzzTarget("fuzz-idx", ["OrbitParsers"]),
        fuzzTarget("fuzz-network-description", ["OrbitParsers"]),
        fuzzTarget("fuzz-pickle", ["OrbitParsers"]),
        fuzzTarget("fuzz-torch", ["OrbitParsers"]),
        fuzzTarget("fuzz-onnx", ["OrbitParsers"]),
    ]
)
