import Foundation
import JobctlConfig
import JobctlReports
import JobctlRunning
import JobctlStore
import JobctlTime
import Logging

/// The lines `jobctl backfill` prints: one per fire (dry run or run), then a summary. Times
/// are RFC 3339 in the job's zone.
public enum BackfillReport {
    /// `--dry-run`: the fires that would run, and a count.
    public static func dryRun(_ plan: BackfillPlan, zone: ZoneRules) -> [String] {
        plan.fires.map { fire in
            let before = fire.recorded ? "recorded before, not succeeded" : "never recorded"
            return "\(time(fire.scheduledAt, zone))  attempt \(fire.attempt)  (\(before))"
        } + [
            "would run \(count(plan.fires.count, "fire")) of job '\(plan.job)'"
                + (plan.succeeded > 0 ? "; \(plan.succeeded) already succeeded" : "")
        ]
    }

    /// One fire's line once it ran.
    public static func line(_ result: Backfill.FireResult, zone: ZoneRules) -> String {
        let head = "\(time(result.fire.scheduledAt, zone))  attempt \(result.fire.attempt)"
        switch result.outcome {
        case .finished(let status, let runID): return "\(head)  \(status.rawValue)  run \(runID)"
        case .lockHeld(let holder, let runID):
            return "\(head)  skipped: the job is running (\(holder))" + (runID.map { "  run \($0)" } ?? "")
        case .alreadyRecorded: return "\(head)  not run: another process recorded this attempt first"
        // Not for a backfill (it has nothing else under way in its process); said plainly all the same.
        case .skipped(let reason, let runID): return "\(head)  skipped: \(reason)" + (runID.map { "  run \($0)" } ?? "")
        case .queued: return "\(head)  not run: queued behind a run of the job"
        case .runningHere(let holder): return "\(head)  not run: the job is running (\(holder))"
        case .leaseLost(let runID): return "\(head)  lease lost: stopped, left to the reaper  run \(runID)"
        }
    }

    /// The closing line.
    public static func summary(_ result: Backfill.Result, plan: BackfillPlan) -> String {
        let succeeded = result.fires.filter { $0.outcome.status == .succeeded }.count
        var text = "backfill of job '\(plan.job)': \(succeeded) of \(count(plan.fires.count, "fire")) succeeded"
        if result.busy {
            text += "; stopped: the job is running, \(plan.fires.count - result.fires.count + 1) not run"
        } else if result.cancelled {
            text += "; stopped by a signal, \(plan.fires.count - result.fires.count) not run"
        }
        return text
    }

    /// Nothing to run: every fire in the range succeeded already.
    public static func nothingToDo(_ plan: BackfillPlan) -> String {
        "nothing to backfill: all \(count(plan.succeeded, "fire")) of job '\(plan.job)' in the range succeeded"
    }

    static func time(_ date: Date, _ zone: ZoneRules) -> String { TimeText.rfc3339(date.unixSeconds, in: zone) }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
