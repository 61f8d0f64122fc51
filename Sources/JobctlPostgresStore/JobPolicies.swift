import Foundation

/// The job policies, behind a lock (the store is shared by the scheduler's tasks).
final class JobPolicies: @unchecked Sendable {
    private let lock = NSLock()
    private var policies: [String: JobClaimPolicy] = [:]

    func set(_ new: [String: JobClaimPolicy]) {
        lock.lock()
        policies = new
        lock.unlock()
    }

    /// Every job's policy.
    var all: [String: JobClaimPolicy] {
        lock.lock()
        defer { lock.unlock() }
        return policies
    }

    func policy(for job: String) -> JobClaimPolicy {
        lock.lock()
        defer { lock.unlock() }
        return policies[job] ?? JobClaimPolicy()
    }
}
