import JobctlRunning
import JobctlStore
import Logging

extension PrizePoolJob {
    /// The metrics, log lines and failures of one run.
    struct Tally {
        var metrics = JobMetrics()
        var failures: [String] = []
        let logger: Logger
        /// At most this many failure reasons in the run's error (all of them are logged).
        static let reasonsShown = 10

        init(due: Int, logger: Logger) {
            self.logger = logger
            metrics[counter: "pools_due"] = Int64(due)
            for name in ["pools_finalized", "pools_without_winner", "payout_total", "pools_failed"] {
                metrics[counter: name] = 0
            }
            metrics[counter: "entries_excluded"] = 0
        }

        var payoutTotal: Int64 { metrics[counter: "payout_total"] }

        mutating func fail(_ label: String, _ reason: String) {
            metrics[counter: "pools_failed"] += 1
            failures.append("\(label): \(reason)")
            logger.error("prizepool: failed \(label): \(reason)")
        }

        /// Records a committed (or refused) outcome. `archived` counts the archived entries of
        /// the pool's board, read only when a refused pool has no entries at all.
        mutating func record(_ outcome: PoolOutcome, pool: Pool, archived: () throws -> Int64) {
            switch outcome {
            case .alreadyFinalized:
                metrics.skipped += 1
                logger.info("prizepool: \(pool.label) already finalized, skipped")
            case .refused(let reason, let board):
                var text = reason
                if board?.entries == 0, let count = try? archived(), count > 0 {
                    text += "; \(count) entries of its board are in leaderboard_archive"
                }
                fail(pool.label, text)
            case .finalized(let winner, let prize, let payoutTotal, let board):
                metrics.updated += 1
                metrics[counter: "pools_finalized"] += 1
                // Computed and overflow-checked inside the pool's transaction.
                metrics[counter: "payout_total"] = payoutTotal
                metrics[counter: "entries_excluded"] += board.flagged
                if board.flagged > 0 {
                    let passed = "passed over \(board.flagged) flagged entries ranked higher (\(board.anomalySummary))"
                    logger.warning("prizepool: \(pool.label): \(passed)")
                }
                guard let winner else {
                    metrics[counter: "pools_without_winner"] += 1
                    logger.info(
                        "prizepool: finalized \(pool.label): total 0 and no eligible entry, no winner, no payout")
                    return
                }
                metrics.created += 1
                let (address, amount) = (shortAddress(winner.address), USDC.format(micro: prize))
                let score = winner.score
                logger.info("prizepool: finalized \(pool.label): winner \(address) score \(score), prize \(amount)")
            }
        }

        /// The run's result: succeeded, partial with the failures, or thrown when no due pool
        /// could be finalized or skipped.
        func result(elapsedMilliseconds: Int64) throws -> JobResult {
            let m = metrics
            let done =
                "prizepool: done — \(m[counter: "pools_due"]) pools due, \(m[counter: "pools_finalized"]) pools "
                + "finalized (\(m[counter: "pools_without_winner"]) without winner), \(m.created) payouts totalling "
                + "\(USDC.format(micro: m[counter: "payout_total"])), \(m.skipped) already finalized, "
                + "\(m[counter: "pools_failed"]) failed, in \(elapsedMilliseconds) ms"
            logger.info("\(done)")
            if failures.isEmpty { return JobResult(metrics: m) }
            let shown = failures.prefix(Self.reasonsShown).joined(separator: "; ")
            let hidden = failures.count - Self.reasonsShown
            let more = hidden > 0 ? "; … \(hidden) more in the log" : ""
            let message = "prizepool: \(failures.count) of \(m[counter: "pools_due"]) due pools failed: \(shown)\(more)"
            if m.updated + m.skipped == 0 { throw JobFailure(message, metrics: m) }
            return JobResult(metrics: m, partialFailure: message)
        }
    }
}
