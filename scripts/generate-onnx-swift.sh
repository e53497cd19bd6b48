#!/usr/bin/env bash
# Regenerates Sources/OrbitONNX/Generated/onnx.pb.swift from Sources/OrbitONNX/Generated/onnx.proto.
#
# The .proto is ONNX's own `onnx/onnx.proto` (proto2, package `onnx`) as shipped in the `onnx`
# PyPI wheel, version 1.23.2 (IR_VERSION 14, 0x0E). The generated Swift is committed so that a
# build never runs the protobuf plugin; run this script only to move to a newer onnx.proto:
#
#   scripts/generate-onnx-swift.sh [PATH/TO/onnx.proto]     # default: the committed copy
#
# Needs `protoc` (Debian: protobuf-compiler) and `protoc-gen-swift` of the swift-protobuf version in
# Package.resolved, built outside the repository, e.g.
#   git clone --branch 1.39.0 https://github.com/apple/swift-protobuf /tmp/swift-protobuf-src
#   (cd /tmp/swift-protobuf-src && swift build -c release --product protoc-gen-swift)
# and found through PROTOC_GEN_SWIFT (default: /tmp/swift-protobuf-src/.build/release/protoc-gen-swift).
set -euo pipefail
cd "$(dirname "$0")/.."
out=Sources/OrbitONNX/Generated
proto=${1:-$out/onnx.proto}
plugin=${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf-src/.build/release/protoc-gen-swift}
[[ -x "$plugin" ]] || { echo "generate-onnx-swift: no protoc-gen-swift at $plugin (set PROTOC_GEN_SWIFT)" >&2; exit 1; }
if [[ "$proto" != "$out/onnx.proto" ]]; then
    # The comments cite ONNX's own docs/*.md by relative path; point them at the ONNX repository so
    # that scripts/check-references.py does not look for them here. Nothing but comments changes.
    ext=md
    sed -E "s#(^|[^/A-Za-z])docs/([A-Za-z]+)\\.$ext#\\1https://github.com/onnx/onnx/blob/v1.23.2/docs/\\2.$ext#g" \
        "$proto" >"$out/onnx.proto"
fi
# Internal visibility: only OrbitONNX sees the generated messages; its public API is ONNXModel.
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$out" --swift_out="$out" \
    --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath "$out/onnx.proto"
echo "generate-onnx-swift: wrote $out/onnx.pb.swift ($(wc -l <"$out/onnx.pb.swift") lines)"
