import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process groups of the command runs of this process, so that an immediate exit (the
/// second SIGINT/SIGTERM of `jobctl run`) can take them along instead of leaving them behind.
public enum RunningProcessGroups {
    private static let groups = Mutex<Set<pid_t>>([])

    static func insert(_ group: pid_t) { groups.withLock { _ = $0.insert(group) } }
    static func remove(_ group: pid_t) { groups.withLock { _ = $0.remove(group) } }

    /// SIGKILL to every running command's process group (for an exit that can't wait).
    public static func killAll() {
        for group in groups.withLock({ $0 }) { kill(-group, SIGKILL) }
    }
}
