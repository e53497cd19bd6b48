import OrbitFormats
import OrbitNumerics

/// Scaling to [0, 1] and standardisation of a data set's splits (see ``Standardization``).
///
/// uint8 features take a fast path: the 256 possible values are histogrammed (exact integer
/// counts, so scalar μ and σ are exact up to the final Double division), and the output is written
/// through a 256-entry lookup table in one pass.
/// Float features take two passes for the statistics (mean, then squared deviations, in Double) and
/// one to apply them. Passes are split across threads with deterministic chunking.
enum FeaturePreprocessor {
    struct Result {
        var train: Matrix<Float>
        var test: Matrix<Float>?
        var statistics: StandardizationStatistics
        /// Entries for `Dataset.provenance`.
        var provenance: [String: String]
    }

    /// `sampleShape` (default flat) only shapes the provenance: statistics are over all entries
    /// (scalar) or per feature column, whatever the shape — for images per pixel and channel, not per
    /// channel as PyTorch's `Normalize` with per-channel μ and σ would be.
    static func prepare(
        train: RawFeatures, test: RawFeatures?, standardization: Standardization, sampleShape: [Int]? = nil
    ) -> Result {
        var provenance: [String: String] = [:]
        if case .bytes = train { provenance["scaling"] = "uint8 / 255" } else { provenance["scaling"] = "none" }

        let statistics: StandardizationStatistics
        switch standardization {
        case .none: statistics = StandardizationStatistics(mean: [], std: [])
        case .given(let mean, let std): statistics = StandardizationStatistics(mean: [mean], std: [std])
        case .scalar: statistics = scalarStatistics(train)
        case .perFeature: statistics = perFeatureStatistics(train)
        }
        switch standardization {
        case .none:
            provenance["standardization"] = "none"
        case .given(let mean, let std):
            provenance["standardization"] = "given: mean \(mean), std \(std)"
        case .scalar:
            provenance["standardization"] =
                "scalar, train split: mean \(format(statistics.mean[0])), std \(format(statistics.std[0]))"
        case .perFeature:
            provenance["standardization"] = "per-feature, train split (\(statistics.mean.count) features)"
        }
        if let sampleShape, sampleShape.count > 1 {
            let shape = SampleShape.text(sampleShape)
            switch standardization {
            case .none: break
            case .perFeature:
                provenance["standardization.scope"] = "each of the \(shape) entries (pixel and channel) separately"
            case .scalar, .given:
                let channels = sampleShape.count == 3 && sampleShape[0] > 1 ? " (one μ and σ for all channels)" : ""
                provenance["standardization.scope"] = "all entries of the \(shape) samples\(channels)"
            }
        }
        if statistics.mean.count == 1 {
            provenance["standardization.mean"] = String(statistics.mean[0])
            provenance["standardization.std"] = String(statistics.std[0])
        }
        return Result(
            train: apply(statistics, to: train), test: test.map { apply(statistics, to: $0) }, statistics: statistics,
            provenance: provenance)
    }

    private static func format(_ x: Double) -> String {
        let scaled = (x * 1_000_000).rounded() / 1_000_000
        return String(scaled)
    }

    /// σ = 0 → 1, so constant features map to 0.
    static func safeStd(_ variance: Double) -> Double {
        let s = Swift.max(0, variance).squareRoot()
        return s > 0 ? s : 1
    }
}
