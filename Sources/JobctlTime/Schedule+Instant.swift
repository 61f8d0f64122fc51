/// The next fire as an `Instant` (the fire path's one instant type).
extension Schedule {
    /// The first fire strictly after `t`. Fires are whole seconds, so "after `t`" is "after the
    /// second `t` falls in".
    public func nextFire(after t: Instant, in zone: ZoneRules) -> Instant? {
        nextFire(after: t.unixSeconds, in: zone).map(Instant.init(unixSeconds:))
    }
}
