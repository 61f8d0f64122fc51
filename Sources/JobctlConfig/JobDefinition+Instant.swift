import JobctlTime

extension JobDefinition {
    /// The job's first fire strictly after `t`, by its zone's rules.
    public func nextFire(after t: Instant) -> Instant? {
        schedule.nextFire(after: t, in: zone)
    }
}
