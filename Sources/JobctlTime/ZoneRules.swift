import Foundation
import Synchronization

/// A time zone's offsets as a sequence of segments of constant UTC offset, so that the
/// next-fire search can convert wall-clock fields to instants with integer arithmetic.
///
/// Offsets and transitions come from the system's compiled tzdata (`TZif`), or from
/// Foundation's `TimeZone` where the machine has none — never from `Calendar`, whose
/// `nextDate` is wrong for Lord_Howe and Chatham (docs/schedules.md#how-fire-times-are-computed). Segments are computed
/// lazily and cached, so a long run of fires within one segment costs no Foundation calls.
public final class ZoneRules: Sendable {
    /// A stretch of time with one UTC offset: instants in `start ..< end`.
    public struct Segment: Sendable, Equatable {
        /// First instant (Unix seconds) of the segment (or of the window searched for its start).
        public var start: Int64
        /// First instant after the segment (the next transition); `Int64.max` when none.
        public var end: Int64
        /// Seconds east of UTC in this segment.
        public var offset: Int64
        /// The offset before `start` (equal to `offset` when no transition was found).
        public var previousOffset: Int64

        @inline(__always)
        func contains(_ t: Int64) -> Bool { t >= start && t < end }
    }

    public let identifier: String
    /// The compiled tzdata of the zone, when the machine has it (else Foundation answers).
    private let tzif: TZif?
    private let cache = Mutex<[Segment]>([])
    private let foundationZone: Mutex<TimeZone?>
    private static let lookBehind: Int64 = 400 * 86_400

    /// Foundation's view of the zone, for the jobs (calendar dates in their zone). Made on
    /// first use: with tzdata present the scheduler itself never touches ICU, which keeps
    /// an idle `jobctl run` small.
    public var timeZone: TimeZone {
        foundationZone.withLock { zone in
            if let zone { return zone }
            let made =
                Self.foundation.withLock { _ in TimeZone(identifier: identifier) }
                ?? TimeZone(secondsFromGMT: Int(tzif?.offset(at: 0) ?? 0)) ?? TimeZone(secondsFromGMT: 0)!
            zone = made
            return made
        }
    }

    /// True when offsets come from the system's tzdata file of this name.
    public var hasTZdata: Bool { tzif != nil }

    public init(_ timeZone: TimeZone) {
        self.foundationZone = Mutex(timeZone)
        self.identifier = timeZone.identifier
        self.tzif = TZif.load(name: timeZone.identifier)
    }

    /// Loads a zone by IANA identifier: from the system's tzdata when present, else from
    /// Foundation; nil for an unknown one.
    public init?(identifier: String) {
        guard !identifier.isEmpty else { return nil }
        let tzif = TZif.load(name: identifier)
        var foundation: TimeZone?
        if tzif == nil {
            foundation = Self.foundation.withLock { _ in TimeZone(identifier: identifier) }
            guard foundation != nil else { return nil }
        }
        self.identifier = identifier
        self.tzif = tzif
        self.foundationZone = Mutex(foundation)
    }

    /// Serializes the fallback calls into Foundation's ICU-backed zone code (only used where
    /// the machine has no tzdata); the calls are rare because segments are cached.
    static let foundation = Mutex<Void>(())

    /// The segment that contains instant `t` (Unix seconds).
    public func segment(containing t: Int64) -> Segment {
        if let hit = cached(t) { return hit }
        let offset = offsetFromFoundation(at: t)
        // Walk forward from a point well before `t` to find the last transition at or before
        // it. With none in the look-behind window the segment starts at the window's start:
        // claiming it reaches back forever would let a later lookup of an older instant (Apia
        // before 2021) hit this cached segment with the wrong offset.
        var start = t &- Self.lookBehind
        var previousOffset = offset
        var foundTransition = false
        var probe = start
        while let next = nextTransition(after: probe), next <= t {
            start = next
            probe = next
            foundTransition = true
        }
        if foundTransition {
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
        if let tzif { return tzif.offset(at: t) }
        let timeZone = self.timeZone
        return Self.foundation.withLock { _ in
            Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        }
    }

    private func nextTransition(after t: Int64) -> Int64? {
        if let tzif { return tzif.nextTransition(after: t) }
        let timeZone = self.timeZone
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
