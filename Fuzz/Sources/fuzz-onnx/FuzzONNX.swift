import Foundation
import FuzzSupport
import OrbitFormats
import OrbitNetworks
import OrbitONNX

/// libFuzzer entry point: reads the input as an ONNX model (protobuf decoding, the graph walk, the
/// initializers). A thrown `ONNXError` is an accepted outcome; a trap, sanitizer report or leak is
/// a finding. A model that loads must be consistent: θ's tensors are the network's layout, in
/// order, each converts, and the network's description round-trips through JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let model = try? ONNXModel.parse(Data(fuzzBytes(data, size)), file: "<fuzz>") else { return 0 }
    let layout = model.network.layout
    precondition(
        layout.tensors.count == model.tensors.count,
        "θ has \(model.tensors.count) tensors for a layout of \(layout.tensors.count)")
    for (spec, tensor) in zip(layout.tensors, model.tensors) {
        precondition(
            spec.name == tensor.name && spec.shape == tensor.shape, "\(tensor) is not \(spec.name) \(spec.shape)")
        _ = tensor.doubles()
    }
    precondition(model.mapping.map(\.orbit) == layout.tensors.map(\.name), "mapping out of layout order")
    guard let again = try? Network(json: model.network.jsonDescription), again == model.network else {
        fatalError("the network read from ONNX does not round-trip through its JSON description")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_onnx_main")
public func fuzzONNXMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzONNX)
}
