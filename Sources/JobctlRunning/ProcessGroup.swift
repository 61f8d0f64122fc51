import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process group of one command run (its id is the shell's pid), and the rule that a run's
/// processes never outlive it.
///
/// Ending a group is always the same sequence, whether the run timed out, was interrupted, or
/// its shell exited and left processes behind: SIGTERM to the group, up to `grace` for it to
/// empty, then SIGKILL to the group — even when the shell itself went away on SIGTERM, because
/// a child that ignores SIGTERM must not outlive the run — and a short wait until no live
/// process is left in it.
///
/// The group id is the shell's pid: Linux does not hand that pid out again while any process
/// is in the group, and we stop signalling as soon as the group is seen empty, so a signal never
/// reaches a later, unrelated group with the same id.
struct ProcessGroup: Sendable {
    let id: pid_t

    /// How long to wait for the group to be gone after SIGKILL.
    static let killWait: Duration = .seconds(5)

    var isEmpty: Bool { ProcessTable.liveMembers(ofGroup: id).isEmpty }

    /// SIGTERM, `grace`, SIGKILL (blocking; see `end(grace:)` for the async form). Returns true
    /// when the group is gone; false only if processes survive SIGKILL (uninterruptible sleep).
    @discardableResult
    func endBlocking(grace: Duration) -> Bool {
        guard !isEmpty else { return true }
        kill(-id, SIGTERM)
        if Self.wait(upTo: grace, until: { isEmpty }) { return true }
        kill(-id, SIGKILL)
        return Self.wait(upTo: Self.killWait, until: { isEmpty })
    }

    /// `endBlocking` on its own thread, so the wait never holds a thread of the cooperative pool
    /// and is not cut short by the cancellation of the run (shutdown).
    @discardableResult
    func end(grace: Duration) async -> Bool {
        await Self.onThread { endBlocking(grace: grace) }
    }

    /// Polls `condition` every 20 ms for up to `limit`; true when it held.
    static func wait(upTo limit: Duration, until condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        while true {
            if condition() { return true }
            if clock.now >= end { return false }
            usleep(20_000)
        }
    }

    /// Runs blocking work on a new thread and awaits its value.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        let result = OneShot<T>()
        Thread.detachNewThread { result.resolve(body()) }
        return await result.value()
    }
}
