/// Orbit's version, recorded in every report and checkpoint it writes. It lives in the lowest layer
/// that writes files, so every layer above can stamp its output with it.
public let orbitVersion = "0.1.0"
