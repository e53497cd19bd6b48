import OrbitNumerics

/// How one tensor is reordered by a permutation of its units: its matrix view (shape[0] × rest; a
/// vector is a column), the permutation of its rows and of its column blocks (`block` consecutive
/// columns per unit), either of which may be absent.
public struct TensorPermutation: Sendable {
    public let tensor: TensorSpec
    public let rowPermutation: [Int]?
    public let columnPermutation: [Int]?
    public let block: Int

    public init(tensor: TensorSpec, rowPermutation: [Int]?, columnPermutation: [Int]?, block: Int) {
        self.tensor = tensor
        self.rowPermutation = rowPermutation
        self.columnPermutation = columnPermutation
        self.block = block
    }

    public var rows: Int { tensor.shape.first ?? 1 }
    public var columns: Int { tensor.shape.count <= 1 ? 1 : tensor.shape.dropFirst().reduce(1, *) }
}

extension ParameterVector {
    /// θ with each listed tensor reordered: row r ← row π_row[r], column block c ← block π_col[c]
    /// (Git Re-Basin's `take` convention); other tensors copied. The one permutation kernel of the
    /// weight-space table (``ChannelSpaces``) and of permutation specs. O(P).
    public func permuted(_ moves: [TensorPermutation]) -> ParameterVector {
        var out = self
        withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for move in moves {
                    let (rows, columns, block) = (move.rows, move.columns, move.block)
                    let base = move.tensor.offset
                    for r in 0..<rows {
                        let from = base + (move.rowPermutation?[r] ?? r) * columns
                        let to = base + r * columns
                        if let columnPermutation = move.columnPermutation {
                            for unit in 0..<columnPermutation.count {
                                let start = from + columnPermutation[unit] * block
                                for q in 0..<block { target[to + unit * block + q] = source[start + q] }
                            }
                        } else {
                            for c in 0..<columns { target[to + c] = source[from + c] }
                        }
                    }
                }
            }
        }
        return out
    }
}
