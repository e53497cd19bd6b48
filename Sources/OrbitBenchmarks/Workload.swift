import Foundation

/// One timed workload. `prepare` builds the inputs (untimed) and returns the body to time, so
/// allocation and data generation never count. Names are shared with the reference scripts in
/// `benchmarks/reference/`, which time the same work in Python (numpy/scipy/PyTorch).
struct Workload {
    /// `group/detail`, e.g. `assignment/n=512`; the same name the reference script uses.
    let name: String
    /// Floating-point operations of one run, when meaningful (gives GFLOP/s and the FLOP lower bound).
    let flops: Double?
    let prepare: () -> () -> Void
}

/// Seconds since an arbitrary origin, monotonic.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Times `body` `repetitions` times after one untimed warm-up run; returns the seconds of each run.
func measure(repetitions: Int, minimumSeconds: Double = 0, _ body: () -> Void) -> [Double] {
    body()
    var times: [Double] = []
    let start = now()
    while times.count < repetitions || now() - start < minimumSeconds {
        let t0 = now()
        body()
        times.append(now() - t0)
    }
    return times
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
