import Foundation

/// One run in full (`jobctl show`, `GET /api/v1/jobs/runs/:id`): its row and the other
/// attempts recorded for the same fire (same job and scheduled instant: the scheduled or
/// catch-up run, its retries, a skip). A manual run has no fire, so no other attempts.
public struct RunDetail: Sendable, Equatable {
    public var execution: ExecutionRecord
    /// By attempt, then id; without `execution` itself.
    public var otherAttempts: [ExecutionRecord]
    /// The failure hooks this run fired (`on_failure`, `on_recovery`), oldest first.
    public var hooks: [HookRunRecord]

    public init(execution: ExecutionRecord, otherAttempts: [ExecutionRecord], hooks: [HookRunRecord] = []) {
        self.execution = execution
        self.otherAttempts = otherAttempts
        self.hooks = hooks
    }

    /// A run id as typed or sent: 1 to 18 ASCII digits, not zero; nil otherwise (a sign, a
    /// space, a fraction, a number too long to be an id).
    public static func parseID(_ text: some StringProtocol) -> Int64? {
        guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let id = Int64(text), id > 0
        else { return nil }
        return id
    }

    /// The run `id` and its fire's other attempts; nil when no run has that id.
    public static func load(id: Int64, from store: any StateStore) throws -> RunDetail? {
        guard let execution = try store.execution(id: id) else { return nil }
        let hooks = try store.hookRuns(runID: id)
        guard let fire = execution.scheduledAt else {
            return RunDetail(execution: execution, otherAttempts: [], hooks: hooks)
        }
        let others = try store.fireAttempts(job: execution.job, scheduledAt: fire).filter { $0.id != id }
        return RunDetail(execution: execution, otherAttempts: others, hooks: hooks)
    }
}
