import JobctlStore

extension BuiltinJobRegistry {
    /// The work and activity counters the jobs here declare (`BuiltinJob.workCounter`,
    /// `activityCounter`), for the stores to learn (`StateStore.learnCounters`).
    public var workCounters: [WorkCounter] {
        catalog.kinds.flatMap { kind in
            [
                kind.workCounter.map { WorkCounter(name: $0, kind: .work) },
                kind.activityCounter.map { WorkCounter(name: $0, kind: .activity) },
            ].compactMap { $0 }
        }
    }
}
