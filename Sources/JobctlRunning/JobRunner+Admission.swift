import Foundation
import JobctlConfig
import JobctlStore
import Logging

/// The overlap policy applied to a request before anything runs (`OverlapDecision`).
extension JobRunner {
    /// What the overlap policy does with `request` given what its process has under way
    /// (`request.local`): nil to go on, or the outcome of a request that does not run now (its
    /// `skipped` row written, a queue logged). The scheduler calls it in its actor, before it
    /// counts the run, so that the decision and its state change are one step; `run` calls it
    /// again, which writes nothing for a request that was let through.
    public func admit(_ request: RunRequest) -> RunOutcome? {
        switch request.overlap {
        case .run:
            return nil
        case .skip(let reason):
            return skipOverlap(request, reason: reason)
        case .queue:
            logger.info(
                "Job queued: previous run still running (overlap=queue)", metadata: ["job": .string(request.job.name)])
            return .queued
        case .refuse:
            return .runningHere(holder: "this scheduler (pid \(identity.pid))")
        }
    }
}
