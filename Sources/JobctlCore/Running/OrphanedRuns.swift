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
///   job. When the lock is held, the holders are found in `/proc` (every process with a
///   descriptor on the locked open file: its `fdinfo` shows the lock; someone merely reading
///   the file is not one). jobctl's own descriptors on lock files are close-on-exec;
///   the inherited copy is not. So if some holder's descriptor is close-on-exec, a live jobctl
///   holds the lock — a real run, or another jobctl's brief probe — and nothing is touched.
///   Otherwise every holder is a leftover of a run whose jobctl is gone: their process groups
///   are ended (SIGTERM, grace, SIGKILL), the lock becomes free, and the row is then marked
///   `interrupted` as before.
/// - Not used: a parent-death signal (`PR_SET_PDEATHSIG`). posix_spawn can't set it, it fires
///   when the spawning *thread* exits (Swift's pool and our helper threads come and go), and it
///   reaches only the shell, not its children. The lock above covers all processes of the run.
/// - The limit: a process that both leaves the group (`setsid`) and closes descriptor 3 can't
///   be found. Nothing short of a cgroup can follow it.
public enum OrphanedRuns {
    /// True when nobody holds the lock at `path`, after ending the orphaned command processes
    /// that hold it, if that is the case. Blocks up to `grace` plus a few seconds when it has
    /// something to end.
    public static func isLockFree(at path: String, grace: Duration = .seconds(5), logger: Logger? = nil) -> Bool {
        if JobLock.isFree(at: path) { return true }
        guard let orphans = orphanedHolders(of: path) else { return false }
        let groups = Set(orphans.map { getpgid($0) }).subtracting([-1, 0, 1, getpgrp()])
        logger?.warning(
            "Ending processes of a run whose jobctl died",
            metadata: [
                "lock": .string(path), "pids": .string(orphans.map(String.init).joined(separator: ",")),
                "groups": .string(groups.sorted().map(String.init).joined(separator: ",")),
            ])
        end(groups: groups, pids: orphans, grace: grace)
        return ProcessGroup.wait(upTo: .seconds(2), until: { JobLock.isFree(at: path) })
    }

    /// The pids holding the lock at `path` when all of them are leftovers of runs (none holds
    /// it close-on-exec, i.e. none is a jobctl); nil otherwise.
    static func orphanedHolders(of path: String) -> [pid_t]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let holders = ProcessTable.holders(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)).filter(\.holdsLock)
        guard !holders.isEmpty, !holders.contains(where: \.closeOnExec) else { return nil }
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
