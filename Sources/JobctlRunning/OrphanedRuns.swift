import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Processes of command runs whose jobctl died (`kill -9`, a crash, the second-signal exit):
/// they must neither keep running unnoticed nor run beside a new run of the same job.
///
/// The mechanism, and why:
/// - **Every process of a command run holds the job's lock.** The shell gets a copy of the
///   locked descriptor as descriptor 3 (not close-on-exec), and its children inherit it. A
///   `flock` lives as long as any descriptor of its open file, so when jobctl dies its orphans
///   keep the lock held: a restarted scheduler or a `trigger` sees "lock held" and records a
///   `skipped` run instead of starting the job beside them. That guarantee needs no cleanup
///   code to run, and holds even if the cleanup below can't.
/// - **The next start ends them.** Recovery of rows left `running` asks `isLockFree` for their
///   job (and a run that finds its job's lock held asks too). The lock's holders are found in
///   `/proc`: every process with a descriptor on the locked open file (its `fdinfo` shows the
///   lock; someone merely reading the file is not one). They are ended only when every one of
///   them is a leftover of a run of that job: its descriptor is not close-on-exec (jobctl's
///   own lock descriptors are, the inherited copy is not) and it was started with
///   `JOBCTL_JOB=<job>` in its environment. A live jobctl (a real run, or another jobctl's brief
///   probe) or anyone else holding the lock — an operator's `flock(1)` pausing the job — means
///   nothing is touched. Otherwise their process groups are ended (SIGTERM, grace, SIGKILL),
///   the lock becomes free, and the row is then marked `interrupted` as before.
/// - Not used: a parent-death signal (`PR_SET_PDEATHSIG`). posix_spawn can't set it, it fires
///   when the spawning *thread* exits (Swift's pool and our helper threads come and go), and it
///   reaches only the shell, not its children. The lock above covers all processes of the run.
/// - The limits: a process that both leaves the group (`setsid`) and closes descriptor 3 can't
///   be found, and one that holds the lock but was started with an emptied environment
///   (`env -i`) is left alone (the job then stays blocked, visibly, rather than anything else
///   being killed). Nothing short of a cgroup can follow every process.
public enum OrphanedRuns {
    /// True when nobody holds the lock at `path`, after ending the orphaned command processes
    /// that hold it, if that is the case. Blocks up to `grace` plus a few seconds when it has
    /// something to end.
    public static func isLockFree(
        job: String, at path: String, grace: Duration = .seconds(5), logger: Logger? = nil
    ) -> Bool {
        if JobLock.isFree(at: path) { return true }
        guard let orphans = orphanedHolders(of: path, job: job) else { return false }
        let groups = Set(orphans.map { getpgid($0) }).subtracting([-1, 0, 1, getpgrp()])
        logger?.warning(
            "Ending processes of a run whose jobctl died",
            metadata: [
                "job": .string(job), "lock": .string(path),
                "pids": .string(orphans.map(String.init).joined(separator: ",")),
                "groups": .string(groups.sorted().map(String.init).joined(separator: ",")),
            ])
        end(groups: groups, pids: orphans, grace: grace)
        return ProcessGroup.wait(upTo: .seconds(2), until: { JobLock.isFree(at: path) })
    }

    /// The pids holding the lock at `path` when all of them are leftovers of runs of `job`
    /// (none holds it close-on-exec, i.e. none is a jobctl, and all were started with
    /// `JOBCTL_JOB=<job>`); nil otherwise.
    static func orphanedHolders(of path: String, job: String) -> [pid_t]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let holders = ProcessTable.holders(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)).filter(\.holdsLock)
        let marker = "JOBCTL_JOB=\(job)"
        guard !holders.isEmpty,
            holders.allSatisfy({ !$0.closeOnExec && ProcessTable.environment(of: $0.pid, contains: marker) })
        else { return nil }
        return Array(Set(holders.map(\.pid))).sorted()
    }

    /// SIGTERM to the groups and the pids, up to `grace` for all to be gone, then SIGKILL.
    static func end(groups: Set<pid_t>, pids: [pid_t], grace: Duration) {
        func gone() -> Bool {
            groups.allSatisfy { ProcessTable.liveMembers(ofGroup: $0).isEmpty }
                && !pids.contains(where: ProcessTable.isAlive)
        }
        func signal(_ sig: Int32) {
            for group in groups { kill(-group, sig) }
            for pid in pids { kill(pid, sig) }
        }
        signal(SIGTERM)
        if ProcessGroup.wait(upTo: grace, until: gone) { return }
        signal(SIGKILL)
        _ = ProcessGroup.wait(upTo: ProcessGroup.killWait, until: gone)
    }
}
