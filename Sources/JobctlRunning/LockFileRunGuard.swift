import Foundation
import Logging

/// The run guard of one host: `JobLock` on `DIRECTORY/JOB.lock` (the config's `LOCK_DIR`), with
/// its file checks, and `OrphanedRuns` for the processes of a dead run that inherited the lock.
public struct LockFileRunGuard: RunGuard {
    public let directory: String
    /// SIGTERM → SIGKILL grace when ending a dead run's processes.
    public var grace: Duration = .seconds(5)

    public init(directory: String) {
        self.directory = directory
    }

    /// Where a job's lock file lives.
    public static func path(job: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent("\(job).lock")
    }

    public func path(job: String) -> String { Self.path(job: job, in: directory) }

    public func acquire(job: String, exclusive: Bool, owner: String) throws -> RunGuardAttempt {
        let path = path(job: job)
        if let lock = try JobLock.tryAcquire(at: path, exclusive: exclusive, owner: owner) { return .held(lock) }
        return .busy(holder: JobLock.holder(at: path))
    }

    public func isFree(job: String) -> Bool {
        JobLock.isFree(at: path(job: job))
    }

    public func onlyLeftoversHold(job: String) -> Bool {
        OrphanedRuns.orphanedHolders(of: path(job: job), job: job) != nil
    }

    public func isFreeEndingLeftovers(job: String, logger: Logger?) -> Bool {
        OrphanedRuns.isLockFree(job: job, at: path(job: job), grace: grace, logger: logger)
    }
}

extension JobLock: HeldRunGuard {
    /// The locked descriptor (see `OrphanedRuns`: every process of a command run holds it).
    public var inheritableDescriptor: Int32? { descriptor }
}
