import FuzzSupport
import OrbitFormats
import OrbitNetworks

/// libFuzzer entry point: reads the input (as UTF-8, invalid sequences repaired) as a network
/// description — compact (`mlp:784-512-10:relu`) or JSON. Thrown `NetworkError`s are accepted
/// outcomes; traps are findings. A description that parses must have a layout whose sizes do not
/// overflow, and must round-trip through its JSON form and, when it has one, its compact form.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetworkDescription(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    guard let network = try? Network(parsing: text) else { return 0 }
    _ = network.layout
    _ = network.parameterCount
    guard let fromJSON = try? Network(json: network.jsonDescription) else {
        fatalError("the JSON form of a parsed network does not parse: \(network.jsonDescription)")
    }
    precondition(fromJSON == network, "JSON round trip differs")
    if let compact = network.compactDescription {
        precondition((try? Network(parsing: compact)) == network, "compact round trip differs: \(compact)")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_network_description_main")
public func fuzzNetworkDescriptionMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> CInt
{
    runFuzzer(argc, argv, fuzzNetworkDescription)
}
