import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for a child with a blocking `waitpid` on its own thread; any number of awaiters.
final class ExitWaiter: Sendable {
    private let status = OneShot<ChildExit>()

    init(pid: pid_t) {
        Thread.detachNewThread { [status] in
            var code: Int32 = 0
            while true {
                if waitpid(pid, &code, 0) == pid {
                    status.resolve(.status(code))
                    return
                }
                if errno != EINTR {
                    status.resolve(.waitFailed(errno))
                    return
                }
            }
        }
    }

    @discardableResult
    func wait() async -> ChildExit { await status.value() }
}
