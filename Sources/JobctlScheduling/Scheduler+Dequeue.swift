import Foundation
import JobctlConfig
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// `overlap=queue` across nodes (`DEQUEUE`, docs/several-hosts.md §5.10), on a store whose fires
/// wait `queued` in the database (`QueuedFires`: PostgreSQL). A fire claimed while a run of its
/// job is live on another node is recorded `queued` by the claim; this node starts it when it
/// can, as one of its runs (`startHeld`).
///
/// Decisions:
/// - When: right after a run of an `overlap=queue` job of this scheduler ends (its `FINISH` is
///   committed: `dequeueAfterRun`), and every 2 s for all of them (`dequeueQueued`, the node's
///   reaper loop), so a fire queued behind a run on a node that died starts once that run is
///   reaped, and one queued behind another node's run starts within 2 s of its end.
/// - Which: the jobs this node has with `overlap=queue` and the same definition (digest) as
///   the queued row's (`QueuedFires.queueJobDigests`).
/// - The statement is sent off the scheduler's actor; the lease's deadline counts from
///   `BootClock.now()` read before it is sent (`HeldClaim.leaseStart`, as a claim's does).
/// - A fire queued on one host (this scheduler's `queued`, a fire due while this node runs the
///   job) is unchanged: it is claimed when the local run ends, at the moment this node also
///   dequeues the job. Both go through the database, so only one of them starts: when the
///   dequeue wins, the claim is recorded `queued` (or `skipped`) behind it; when the claim wins,
///   the fire queued in the database waits for that run.
/// - Started even after a reload dropped the job? No: a dequeued fire of a job this scheduler
///   no longer has (a reload between the statement and the start) is ended `interrupted`.
extension Scheduler {
    /// `DEQUEUE` of every `overlap=queue` job of this node (its 2-s loop); the runs it took are
    /// started as this scheduler's. Nothing is sent when the node has no such job.
    public func dequeueQueued() async {
        guard let queue = store as? any QueuedFires, !isStopping else { return }
        await dequeue(queue.queueJobDigests, from: queue)
    }

    /// After a run of `job` ended here: its queued fire, if `job` is an `overlap=queue` job.
    func dequeueAfterRun(_ job: String) {
        guard !isStopping, let queue = store as? any QueuedFires, currentConfig.job(named: job)?.overlap == .queue,
            let digest = queue.queueJobDigests[job]
        else { return }
        Task { await self.dequeue([job: digest], from: queue) }
    }

    private func dequeue(_ jobs: [String: String], from queue: any QueuedFires) async {
        if jobs.isEmpty { return }
        let (clock, logger) = (self.clock, self.logger)
        let taken = await Task.detached { () -> [(HeldFire, HeldClaim)] in
            let (leaseStart, startedAt) = (BootClock.now(), clock.now())  // before the statement is sent
            do {
                return try queue.dequeue(jobs: jobs).map {
                    ($0, HeldClaim(claim: $0.claim, leaseStart: leaseStart, startedAt: startedAt))
                }
            } catch {
                logger.error("Cannot start queued fires (DEQUEUE)", metadata: ["error": .string("\(error)")])
                return []
            }
        }.value
        for (fire, held) in taken { startDequeued(fire, held: held) }
    }

    private func startDequeued(_ fire: HeldFire, held: HeldClaim) {
        let instant = fire.scheduledAt.map(Instant.init(date:))
        guard let job = currentConfig.job(named: fire.job) else {
            let end = ExecutionEnd(
                status: .interrupted, finishedAt: clock.now(), error: "not started: the job left this node's config")
            _ = try? store.finish(fire.claim, end)
            logger.warning(
                "A dequeued fire of a job no longer configured was ended", metadata: ["job": .string(fire.job)])
            return
        }
        var request = RunRequest(
            job: job, fire: instant, trigger: fire.triggeredBy,
            nextFire: job.nextFire(after: Instant(date: clock.now())), firstAttempt: fire.attempt)
        logger.info(
            "Starting a fire that waited for the run on another node (overlap=queue)",
            metadata: [
                "job": .string(job.name), "run": .stringConvertible(fire.claim.runID),
                "scheduled": .string(instant.map { TimeText.rfc3339($0.unixSeconds, in: job.zone) } ?? "-"),
            ])
        startHeld(request, held: held)
    }
}
