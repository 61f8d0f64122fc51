/// What a claim needs to know about a job beyond its fire: whether its runs exclude each other
/// across nodes (`overlap=skip`; `allow` does not; `queue` is not built yet) and its
/// definition's digest, which every live node must share for the job to be claimed.
public struct JobClaimPolicy: Sendable, Equatable {
    /// `overlap=skip`: a fire claimed while a run of the job is live on any node is recorded
    /// `skipped` (the one-live index enforces it).
    public var exclusive: Bool
    /// The digest of the job's definition on this node (`config_digest`).
    public var digest: String

    public init(exclusive: Bool = false, digest: String = "") {
        self.exclusive = exclusive
        self.digest = digest
    }
}
