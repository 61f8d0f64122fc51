/// What one reaping transaction did: the runs marked `abandoned` (`REAP_ABANDON`) and the
/// fires re-claimed for `on_lost=retry` jobs (`REAP_RETRY`).
public struct ReapOutcome: Sendable, Equatable {
    public var abandoned: [ReapedRun]
    public var retries: [RetryClaim]

    public init(abandoned: [ReapedRun] = [], retries: [RetryClaim] = []) {
        self.abandoned = abandoned
        self.retries = retries
    }
}
