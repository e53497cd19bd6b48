/// The hash of the sources the claims are built from, which every claim record stores so that
/// `orbit reproduce` can tell a record of the present code from one of earlier code.
///
/// The hash comes from the build: the ClaimSourceHash plugin (Plugins/ClaimSourceHash) hashes every
/// Swift file of OrbitExperiments and of the modules it depends on, plus Package.swift, whenever
/// one of them changes, into the generated `ClaimSourceHashes` — so no committed file has to be
/// kept current, and the hash always describes the binary's own sources. One hash covers every
/// claim: a claim's code reaches through the shared layers (data, training, paths, star…), and
/// which of their files a claim depends on cannot be told from the files. The per-module hashes say
/// which modules changed.
public enum ClaimSources {
    /// E.g. `fnv1a128:3f0c…` (32 hex digits).
    public static var hash: String { "fnv1a128:" + ClaimSourceHashes.combined }

    /// Module name → the hash of its own files.
    public static var modules: [String: String] { ClaimSourceHashes.modules }

    /// The modules whose hash differs between `old` and the present sources (added and removed ones
    /// included), sorted.
    public static func changedModules(since old: [String: String]) -> [String] {
        Set(old.keys).union(modules.keys).filter { old[$0] != modules[$0] }.sorted()
    }
}
