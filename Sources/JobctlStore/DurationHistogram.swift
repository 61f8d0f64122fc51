/// A log-bucketed histogram of durations (milliseconds), from which nearest-rank percentiles
/// are read within a stated precision.
///
/// Bucket keys: a duration `d` with |d| < 128 has its own bucket (key `d`): short durations are
/// exact. Above, a bucket keeps the 7 leading bits of the value (a 6-bit mantissa below the
/// leading one): `s = ⌊log2 d⌋ − 6`, `key = (d >> s) + 64·s`. Keys are contiguous (128, 129, …,
/// 3711 for `Int64.max`), every octave has 64 buckets, and a bucket spans [m·2^s, (m+1)·2^s − 1]
/// with m in 64…127. Negative durations (only a hand-written row has one) mirror: key(−d) =
/// −key(d). The database computes the same keys in SQL (`SummarySchema.bucketSQL`); a test
/// checks that both agree.
///
/// **Precision**: a percentile is reported as the middle of its bucket (clamped to the exact
/// maximum), so it differs from the exact nearest-rank value by at most 1/128 (0.78 %) of it,
/// and not at all below 128 ms.
public struct DurationHistogram: Sendable, Equatable {
    /// Count per bucket key.
    public private(set) var counts: [Int: Int] = [:]

    public init(counts: [Int: Int] = [:]) {
        self.counts = counts.filter { $0.value != 0 }
    }

    /// The number of durations observed.
    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(key: Int, count: Int) {
        let sum = counts[key, default: 0] + count
        counts[key] = sum == 0 ? nil : sum
    }

    public mutating func add(_ other: DurationHistogram) {
        for (key, count) in other.counts { add(key: key, count: count) }
    }

    /// The bucket key of a duration.
    public static func key(_ milliseconds: Int64) -> Int {
        if milliseconds > -128 && milliseconds < 128 { return Int(milliseconds) }
        if milliseconds >= 128 { return positiveKey(milliseconds) }
        return -positiveKey(milliseconds == Int64.min ? Int64.max : -milliseconds)
    }

    static func positiveKey(_ value: Int64) -> Int {
        let shift = (63 - value.leadingZeroBitCount) - 6
        return Int(value >> shift) + 64 * shift
    }

    /// The smallest and largest duration of a bucket.
    /// Keys outside ±3711 (only a damaged database has them) are read as the nearest valid key.
    public static func bounds(ofKey rawKey: Int) -> ClosedRange<Int64> {
        let key = Swift.min(Swift.max(rawKey, -maximumKey), maximumKey)
        if key > -128 && key < 128 { return Int64(key)...Int64(key) }
        if key < 0 {
            let positive = bounds(ofKey: -key)
            // The lowest bucket also holds Int64.min, which has no positive mirror.
            return (key == -maximumKey ? Int64.min : -positive.upperBound)...(-positive.lowerBound)
        }
        let shift = min(key / 64 - 1, 56)
        let mantissa = Int64(key - 64 * shift)
        let lower = mantissa << shift
        return lower...(lower + ((1 << shift) - 1))
    }

    /// The key of `Int64.max`.
    public static let maximumKey = 3711

    /// The value reported for a bucket: its middle (rounded toward its lower bound).
    public static func representative(ofKey key: Int) -> Int64 {
        let range = bounds(ofKey: key)
        return range.lowerBound + (range.upperBound - range.lowerBound) / 2
    }

    /// The nearest-rank `p` percentile (0 < p ≤ 1): the middle of the bucket that holds the
    /// rank-th smallest duration, never above `maximum` (the exact largest duration) when given,
    /// and `maximum` itself when the rank is the last one. nil for an empty histogram.
    public func percentile(_ p: Double, maximum: Int64? = nil) -> Int64? {
        let total = self.total
        guard total > 0 else { return nil }
        let rank = Self.rank(p, of: total)
        if rank == total, let maximum { return maximum }
        var seen = 0
        for key in counts.keys.sorted() {
            seen += counts[key, default: 0]
            if seen >= rank {
                let value = Self.representative(ofKey: key)
                guard let maximum else { return value }
                return Swift.max(Self.bounds(ofKey: key).lowerBound, Swift.min(value, maximum))
            }
        }
        return nil
    }

    /// The 1-based nearest rank of percentile `p` among `n` sorted values.
    public static func rank(_ p: Double, of n: Int) -> Int {
        Swift.max(1, Swift.min(n, Int((p * Double(n)).rounded(.up))))
    }
}
