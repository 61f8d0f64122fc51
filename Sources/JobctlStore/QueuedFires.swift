/// A store whose fires can wait `queued` for a run of their job on another host to end
/// (`overlap=queue` across nodes: PostgreSQL's `DEQUEUE`, docs/several-hosts.md §5.10). The
/// scheduler starts what `dequeue` took without knowing the store. SQLite does not conform: one
/// host keeps its queued fire in memory (`Scheduler.queued`).
public protocol QueuedFires: Sendable {
    /// Starts the queued fire of each job of `jobs` (name → the digest of this process's
    /// definition) whose live run has ended and whose queued row was made under the same
    /// definition (digest): its row becomes `running`, owned and leased by this process, and is
    /// returned, for the caller to run at once. Several processes may call it at the same time:
    /// each queued fire is taken by one. A fire taken by nobody stays queued for a later call.
    func dequeue(jobs: [String: String]) throws -> [HeldFire]

    /// The jobs this process dequeues, with the digests of its definitions of them: its
    /// `overlap=queue` jobs, as its current config says.
    var queueJobDigests: [String: String] { get }
}
