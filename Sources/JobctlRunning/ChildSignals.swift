import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The signal dispositions a parent of commands needs.
enum ChildSignals {
    /// SIGCHLD back to its default, once per process: inherited as ignored (`trap '' CHLD`, some
    /// supervisors), the kernel reaps children itself and `waitpid` can't report their exit
    /// status, so a failed command would look succeeded.
    static func restoreDefaults() { _ = once }

    private static let once: Void = { signal(SIGCHLD, SIG_DFL) }()
}
