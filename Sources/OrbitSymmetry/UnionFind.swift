/// Disjoint sets over 0..<n with path halving and union by size: the connected components of a
/// graph given edge by edge (used by the component counts of Prop 4.3). Near-constant amortised cost
/// per operation (inverse Ackermann).
struct UnionFind {
    private var parent: [Int]
    private var size: [Int]

    init(_ n: Int) {
        parent = Array(0..<n)
        size = Array(repeating: 1, count: n)
    }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x {
            parent[x] = parent[parent[x]]
            x = parent[x]
        }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a)
        var rb = find(b)
        if ra == rb { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = ra
        size[ra] += size[rb]
    }

    /// A component index 0..<k for each of `members` (others get −1), numbered by decreasing size,
    /// and the sizes.
    mutating func components(of members: [Bool]) -> (labels: [Int], sizes: [Int]) {
        var rootSize: [Int: Int] = [:]
        for i in 0..<members.count where members[i] { rootSize[find(i), default: 0] += 1 }
        let order = rootSize.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var index: [Int: Int] = [:]
        for (k, entry) in order.enumerated() { index[entry.key] = k }
        let labels = (0..<members.count).map { members[$0] ? index[find($0)]! : -1 }
        return (labels, order.map(\.value))
    }
}
