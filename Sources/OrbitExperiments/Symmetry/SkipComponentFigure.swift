import Foundation
import OrbitReports
import OrbitSymmetry

/// Fig. 1 of Zhao, Dehmamy, Walters, Yu (ICML 2025) as a map: the (W₁, W₂) plane of the scalar net
/// W₃(W₂W₁X + εX), each grid point on the sampled minimum coloured by the component the flood fill
/// (``SkipMinimumComponents/grid(epsilon:x:y:halfWidth:resolution:bound:tolerance:)``) put it in;
/// points off the minimum (or with |W₃| beyond the window) stay grey.
public enum SkipComponentFigure {
    public static func heatmap(
        _ components: SampledComponents, epsilon: Double, halfWidth: Double = 3, resolution: Int
    ) -> Heatmap {
        let step = 2 * halfWidth / Double(resolution - 1)
        let axis = (0..<resolution).map { -halfWidth + Double($0) * step }
        let z = (0..<resolution).map { i in
            (0..<resolution).map { j -> Double in
                let label = components.labels[i * resolution + j]
                return label < 0 ? .nan : Double(label + 1)
            }
        }
        var map = Heatmap(
            title: "Minimum of W₃(W₂W₁ + \(String(format: "%g", epsilon)))·X = Y: \(components.majorCount) components",
            xLabel: "W₁", yLabel: "W₂", valueLabel: "component", x: axis, y: axis, z: z, contourLevels: .none)
        map.colourRange = 1...Double(max(components.count, 2))
        return map
    }
}
