import Foundation
import JobctlTime

/// Everything the scheduler, the runner, the CLI and the HTTP server need from durable state.
/// `HistoryStore` (SQLite through GRDB) is the first implementation; a PostgreSQL store shared
/// by several hosts (issue 11) implements the same contract, checked by the same suite
/// (`Tests/JobctlCoreTests/StoreConformanceTests.swift`).
///
/// The contract, in terms that hold across hosts:
/// - **A fire is claimed once.** A fire is (job, scheduled instant, attempt) for the triggers
///   `schedule`, `catchup` and `retry`. `claim` (a `running` row) and `claimSkipped` (a
///   `skipped` row) both consume it: of any number of claimers, on any connection or host, one
///   gets `.claimed` and all others `.alreadyClaimed`, and nothing is written for them. A catch-up
///   of a fire already recorded is refused the same way. Manual runs have no fire: each claim
///   succeeds.
/// - **Writes about a run carry its claim.** `finish` and `renew` name the `RunClaim` returned by
///   `claim`. Its `token` is the fence: SQLite's is the row id (one host: the job's run guard
///   already excludes a second writer); PostgreSQL's comes from a sequence, and every write
///   matches it, so a node resumed after a stall finds its late writes rejected (`false`).
/// - **A run ends once.** `finish` moves a `running` row to its final status and returns false,
///   writing nothing, when the row is no longer `running` (recovered, reaped, or finished).
/// - **Leases** (room for issue 11): `renew` extends a running claim's lease. SQLite has no lease
///   (the run guard's `flock` is one, freed by the kernel when the process dies): it only reports
///   whether the claim is still running. A store with leases reaps expired ones in
///   `recoverInterrupted` (as `abandoned` once that status exists) instead of asking `isLockFree`.
/// - **Pause state** (issue 12) lives here, so that a pause holds on every host: a job has at
///   most one pause; `pause` of a paused job and `resume` of a running one write nothing. A
///   scheduler reads `activePause(job:)` at each fire before claiming it (one indexed read).
/// - **Hook runs and fire ledger** (issue 12): `HookRunStore` records failure hooks;
///   `FireLedger` tells `jobctl backfill` which fires are recorded and their last attempt.
/// - **Reads** see one consistent state per call. Times are milliseconds since the Unix epoch in
///   the store (`HistoryTime`: a `Date` is rounded down to its millisecond).
public protocol StateStore: ExecutionSummaries, HookRunStore, FireLedger {
    // MARK: Claims and runs

    /// Claims `start`'s fire and records it `running`. `.alreadyClaimed` when that fire (job,
    /// scheduled instant, attempt) is already recorded, by any writer.
    func claim(_ start: ExecutionStart) throws -> FireClaim

    /// Records a fire that did not run (overlap skip, run guard held, job paused) as a finished
    /// `skipped` row with `reason`, no duration and no lateness. It consumes the fire like `claim`.
    func claimSkipped(_ start: ExecutionStart, reason: String) throws -> FireClaim

    /// Completes a claimed run. Returns false, and writes nothing, when the run is no longer
    /// `running` (recovered meanwhile, or its fence is stale).
    @discardableResult
    func finish(_ claim: RunClaim, _ end: ExecutionEnd) throws -> Bool

    /// Extends the claim's lease; false when the claim is no longer running (its run must stop
    /// and write nothing more). SQLite: no lease, only the check.
    func renew(_ claim: RunClaim, now: Date) throws -> Bool

    /// Marks runs left `running` by a dead process `interrupted`, for jobs where `isLockFree(job)`
    /// says no live run can hold them (one host: the job's run guard). Returns how many.
    func recoverInterrupted(now: Date, isLockFree: (String) -> Bool) throws -> Int

    /// Learns the work and activity counters the jobs declare (`WorkCounter`, from the registry
    /// of built-in jobs), so that their runs' markers are kept from now on: the store knows no
    /// job's counter names by itself. Idempotent; a scheduler calls it when it starts.
    func learnCounters(_ counters: [WorkCounter]) throws

    // MARK: Catch-up and retention

    /// The newest fire recorded for a `schedule` or `catchup` run of the job (run or skipped):
    /// the fire key read back as the fire path's `Instant`, for catch-up.
    func lastScheduledFire(job: String) throws -> Instant?

    /// Deletes finished executions that started and finished before `cutoff`, in batches; the
    /// all-time summaries and the metrics counters keep counting them. Returns rows deleted.
    func prune(finishedBefore cutoff: Date, batchSize: Int) throws -> Int

    // MARK: Reads (history, summaries through `ExecutionSummaries`, metrics)

    /// Executions matching the filter, newest first (by start, then id).
    func executions(_ filter: HistoryFilter) throws -> [ExecutionRecord]

    /// One execution by id.
    func execution(id: Int64) throws -> ExecutionRecord?

    /// The Prometheus figures of every job: counters never lowered by pruning.
    func metricsSnapshot() throws -> [JobMetricsSnapshot]

    /// What the alert rules read beyond the counters: each job's work markers (last run that
    /// found work, runs that found none while there was activity) and the runs still going.
    func alertFigures() throws -> AlertFigures

    /// A number that changes whenever another connection commits, for caches of reads.
    func dataVersion() throws -> Int

    /// Every attempt recorded for one fire (job, scheduled instant): the schedule or catch-up
    /// run, its retries, a skip. By attempt, then id. Manual runs have no fire.
    func fireAttempts(job: String, scheduledAt: Date) throws -> [ExecutionRecord]

    // MARK: Pauses (issue 12; `JobPause`)

    /// Records that `job` is paused. `.alreadyPaused` with the pause in force, writing nothing,
    /// when it is paused already (by anyone, on any host).
    func pause(job: String, by: String, note: String?, at: Date) throws -> PauseChange

    /// Lifts the pause of `job`; returns it, or nil (nothing written) when the job was not paused.
    func resume(job: String) throws -> JobPause?

    /// Every pause in force, by job name.
    func pauses() throws -> [JobPause]

    /// The pause of one job, or nil: what a scheduler reads at each fire (one indexed read).
    func activePause(job: String) throws -> JobPause?

    // MARK: Nodes (issue 11)

    /// The nodes sharing this store, newest start first, each with its running runs (`jobctl
    /// nodes`, the HTTP status). SQLite has no nodes: `[]`, without a statement.
    func nodes() throws -> [NodeRecord]
}

extension StateStore {
    /// The newest execution of the job, any status (including `running`).
    public func lastExecution(job: String) throws -> ExecutionRecord? {
        try executions(HistoryFilter(limit: 1, job: job)).first
    }
}
