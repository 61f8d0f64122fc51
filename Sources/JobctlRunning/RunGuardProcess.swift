import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a leased run's command is started under its guard (docs/several-hosts.md §5.4, `GUARD`):
/// the node spawns `jobctl __guard FD DEADLINE_NS GRACE_MS COMMAND` (this same binary, through
/// `/proc/self/exe`), in a new process group, with the allow-listed environment the command
/// gets, stdout and stderr on the run's pipes, and its end of a socket at `FD`. The guard
/// (`Sources/CJobctlGuard/guard.c`):
/// - refuses to start the command when `DEADLINE_NS` (`BootClock`) has passed (exit 125, one
///   line on the run's stderr);
/// - runs `/bin/sh -c COMMAND` as its child, in its group, with default signal dispositions;
/// - reads later deadlines from the socket, one decimal line each (`RunLease.extend`);
/// - `GUARD_KILL`: at the deadline, or at once when the socket reaches EOF (the node died; a
///   SIGSTOPped node keeps its end open, so only the deadline acts then), SIGTERM to the group,
///   `GRACE_MS` later SIGKILL to the group, itself included;
/// - otherwise exits as the shell did (its exit code, or death by the same signal), so that
///   the node sees the command's own status, and everything else (timeouts, shutdown, the
///   group's leftovers) works as without a guard.
///
/// Decision: the guard is the command's parent (§5.4 as written), in C (`CJobctlGuard`), no
/// dependency. It is in `jobctl` itself, run from a constructor when `argv[1]` is `__guard`
/// before Swift's main, and in a tiny executable `jobctl-guard` built next to it, which the
/// node prefers: loading `jobctl` (its Swift runtime, Foundation, NIO, GRDB, libpq: 130,000
/// relocations) is what costs, not the guard, so `jobctl-guard` is a static executable.
/// Measured on this 2-core machine with a load average of 12 to 16 (other helpers' builds),
/// 300 spawns each, spawn to the exit of `/bin/sh -c 'exit 0'` under the guard:
/// - `jobctl-guard`, static, release: p50 1.1 ms, p99 10 ms (debug the same: 1.1 ms, 25 ms);
///   alone, refusing a passed deadline: p50 0.5 ms;
/// - `jobctl-guard` linked dynamically (Swift runtime, libstdc++): p50 7–9 ms, p99 24–39 ms;
/// - `jobctl __guard`, debug: p50 45 ms, p99 82 ms;
/// - `/bin/sh` alone, no guard: p50 0.7 ms, p99 8–15 ms (the p99s are the machine's load).
/// The guard is only used with a lease (PostgreSQL); SQLite runs start `/bin/sh` directly.
enum RunGuardProcess {
    static let argument = "__guard"

    /// `jobctl-guard` beside the running binary when it is there, else the binary itself.
    static let executable: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "/proc/self/exe" }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let sibling = (path as NSString).deletingLastPathComponent + "/jobctl-guard"
        return access(sibling, X_OK) == 0 ? sibling : "/proc/self/exe"
    }()

    static func program(_ command: String, lease: RunLease, socket: Int32, lockInChild: Bool)
        -> CommandProcess.Program
    {
        let target: Int32 = lockInChild ? CommandProcess.lockDescriptorInChild + 1 : 3
        let graceMilliseconds = BootClock.nanoseconds(lease.timings.killGrace) / 1_000_000
        return CommandProcess.Program(
            path: executable,
            arguments: ["jobctl", argument, "\(target)", "\(lease.deadline)", "\(graceMilliseconds)", command],
            passing: (socket, target))
    }
}
