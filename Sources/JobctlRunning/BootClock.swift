#if canImport(Glibc)
    import Glibc
#endif

/// The clock of lease deadlines (docs/several-hosts.md §7.1): `CLOCK_BOOTTIME` in nanoseconds,
/// which, unlike `CLOCK_MONOTONIC`, keeps counting while the machine is suspended, so that a
/// deadline passes during a suspend as the database's lease does. The node and its guards
/// (`guard.c`) read the same clock, so a deadline is passed between them as a plain number.
/// Not the wall clock (the `WallClock` seam is for that): it measures deadlines only.
public enum BootClock {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_BOOTTIME, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }
}
