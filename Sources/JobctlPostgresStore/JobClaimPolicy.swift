/// What a claim needs to know about a job beyond its fire: whether its runs exclude each other
/// across nodes (`overlap=skip` and `queue`; `allow` does not), whether a blocked fire waits
/// (`queue`), and its definition's digest, which every live node must share for the job to be
/// claimed.
public struct JobClaimPolicy: Sendable, Equatable {
    /// `overlap=skip` or `queue`: a fire claimed while a run of the job is live on any node does
    /// not start (the one-live index enforces it); it is recorded `skipped`, or `queued`.
    public var exclusive: Bool
    /// `overlap=queue`: a fire blocked by a live run is recorded `queued` when the job has no
    /// queued fire yet (the one-queued index), `skipped` otherwise; `DEQUEUE` starts it once the
    /// live run ends. Meaningful only with `exclusive`.
    public var queue: Bool
    /// The digest of the job's definition on this node (`config_digest`).
    public var digest: String

    public init(exclusive: Bool = false, queue: Bool = false, digest: String = "") {
        self.exclusive = exclusive
        self.queue = queue
        self.digest = digest
    }
}
