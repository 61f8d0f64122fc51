import Foundation
import Synchronization

/// A time zone's offsets as a sequence of segments of constant UTC offset, so that the
/// next-fire search can convert wall-clock fields to instants with integer arithmetic.
///
/// Offsets and transitions come from Foundation's `TimeZone` (`secondsFromGMT(for:)` and
/// `nextDaylightSavingTimeTransition(after:)`, ICU data), never from `Calendar`, whose
/// `nextDate` is wrong for Lord_Howe and Chatham (see SWIFT-NOTES). Segments are computed
/// lazily and cached, so a long run of fires within one segment costs no Foundation calls.
public final class ZoneRules: Sendable {
    /// A stretch of time with one UTC offset: instants in `start ..< end`.
    public struct Segment: Sendable, Equatable {
        /// First instant (Unix seconds) of the segment; `Int64.min` when unknown/unbounded.
        public var start: Int64
        /// First instant after the segment (the next transition); `Int64.max` when none.
        public var end: Int64
        /// Seconds east of UTC in this segment.
        public var offset: Int64
        /// The offset before `start` (equal to `offset` when unbounded).
        public var previousOffset: Int64

        @inline(__always)
        func contains(_ t: Int64) -> Bool { t >= start && t < end }
    }

    public let identifier: String
    public let timeZone: TimeZone
    private let cache = Mutex<[Segment]>([])
    private static let lookBehind: Int64 = 400 * 86_400

    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        self.identifier = timeZone.identifier
    }

    /// Loads a zone by IANA identifier; nil for an unknown one. Accepts "UTC".
    public convenience init?(identifier: String) {
        guard !identifier.isEmpty,
            let zone = Self.foundation.withLock({ _ in TimeZone(identifier: identifier) })
        else { return nil }
        self.init(zone)
    }

    /// Serializes every call into Foundation's zone code: concurrent use on Linux was seen
    /// to answer Pacific/Apia's 2011 offsets wrongly (+13:00 instead of -10:00/+14:00). The
    /// calls are rare (segments are cached), so one lock costs nothing measurable.
    static let foundation = Mutex<Void>(())

    /// The segment that contains instant `t` (Unix seconds).
    public func segment(containing t: Int64) -> Segment {
        if let hit = cached(t) { return hit }
        let offset = offsetFromFoundation(at: t)
        var start = Int64.min
        var previousOffset = offset
        // Walk forward from a point well before `t` to find the last transition at or before it.
        var probe = t &- Self.lookBehind
        while let next = nextTransition(after: probe), next <= t {
            start = next
            probe = next
        }
        if start != Int64.min {
            previousOffset = offsetFromFoundation(at: start - 1)
        }
        let end = nextTransition(after: t) ?? Int64.max
        let segment = Segment(start: start, end: end, offset: offset, previousOffset: previousOffset)
        store(segment)
        return segment
    }

    /// The segment right after `segment` (which must have an end).
    public func segment(after segment: Segment) -> Segment {
        let t = segment.end
        if let hit = cached(t) { return hit }
        let next = Segment(
            start: t, end: nextTransition(after: t) ?? Int64.max,
            offset: offsetFromFoundation(at: t), previousOffset: segment.offset)
        store(next)
        return next
    }

    /// UTC offset in seconds at instant `t`.
    public func offset(at t: Int64) -> Int64 {
        segment(containing: t).offset
    }

    /// The instant of a wall-clock time in this zone. A repeated wall time gives its first
    /// occurrence; a wall time skipped by a gap gives the end of the gap (the instant the
    /// clocks jumped), as a fixed-time schedule would fire.
    public func instant(forLocal local: Int64) -> Int64 {
        // Candidate offsets: those of the segments around the naive reading.
        var candidates: [Int64] = []
        for probe in [local - 86_400 * 2, local, local + 86_400 * 2] {
            let o = offset(at: probe)
            if !candidates.contains(o) { candidates.append(o) }
        }
        var best: Int64?
        for o in candidates {
            let t = local - o
            if offset(at: t) == o, best.map({ t < $0 }) ?? true { best = t }
        }
        if let best { return best }
        // In a gap: the segment reached by reading with the largest offset is the one after
        // the gap; its start is the end of the gap.
        let after = segment(containing: local - (candidates.min() ?? 0))
        return after.start == Int64.min ? local - after.offset : after.start
    }

    // MARK: - Foundation access and cache

    private func offsetFromFoundation(at t: Int64) -> Int64 {
        Self.foundation.withLock { _ in
            Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        }
    }

    private func nextTransition(after t: Int64) -> Int64? {
        let found = Self.foundation.withLock { _ in
            timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(t)))
        }
        guard let date = found else { return nil }
        let next = Int64(date.timeIntervalSince1970.rounded(.down))
        return next > t ? next : nil
    }

    private func cached(_ t: Int64) -> Segment? {
        cache.withLock { segments in
            // Most lookups hit the last segment used.
            if let last = segments.last, last.contains(t) { return last }
            for segment in segments where segment.contains(t) { return segment }
            return nil
        }
    }

    private func store(_ segment: Segment) {
        cache.withLock { segments in
            if segments.count >= 512 { segments.removeAll(keepingCapacity: true) }
            segments.append(segment)
        }
    }
}
