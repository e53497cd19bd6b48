/// y = Σ_i s_i·x_i over two or more inputs of equal shape: the sum of a residual block's branch
/// and its shortcut (s = 1), or the scaled skip of Zhao et al. 2025, Prop 4.3 (s = (1, ε)).
public struct AddLayer: Layer, Codable {
    /// s_i, one per input (all 1 when empty).
    public var scales: [Double]

    public init(scales: [Double] = []) { self.scales = scales }

    public var arity: Int? { nil }

    public func outputShape(for inputs: [[Int]]) throws(LayerShapeError) -> [Int] {
        guard inputs.count >= 2 else { throw LayerShapeError("Add needs at least two inputs") }
        guard scales.isEmpty || scales.count == inputs.count, scales.allSatisfy(\.isFinite) else {
            throw LayerShapeError("Add has \(scales.count) scales for \(inputs.count) inputs (or a non-finite one)")
        }
        for shape in inputs.dropFirst() where shape != inputs[0] {
            throw LayerShapeError(
                "Add's inputs differ in shape: \(inputs[0].shapeDescription) and \(shape.shapeDescription)")
        }
        return inputs[0]
    }

    public func scale(_ i: Int) -> Double { scales.isEmpty ? 1 : scales[i] }

    public func summary(for inputs: [[Int]]) -> String {
        scales.isEmpty || scales.allSatisfy({ $0 == 1 }) ? "Add" : "Add(scales \(scales))"
    }
}
