/// What a job reports about one run. Stored as JSON with the execution.
///
/// `processed`, `created`, `updated` and `skipped` are the counters every job reports;
/// `counters` holds the job's own (`pools_finalized`, `payout_total`, `sessions_deleted`, …).
/// Money is an integer of minor units (micro-USDC); how each counter reads is the job's to say
/// (`CounterReading`).
public struct JobMetrics: Sendable, Codable, Equatable {
    public var processed: Int
    public var created: Int
    public var updated: Int
    public var skipped: Int
    public var counters: [String: Int64]

    public init(
        processed: Int = 0, created: Int = 0, updated: Int = 0, skipped: Int = 0,
        counters: [String: Int64] = [:]
    ) {
        self.processed = processed
        self.created = created
        self.updated = updated
        self.skipped = skipped
        self.counters = counters
    }

    public subscript(counter name: String) -> Int64 {
        get { counters[name] ?? 0 }
        set { counters[name] = newValue }
    }
}
