import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reads one output pipe of a command on its own thread, to EOF, handing over each line.
///
/// EOF comes once every process of the run has exited, which the run makes sure of (see
/// `ProcessGroup`). A process that left the group (`setsid`) may still hold the pipe: for that
/// case `stop(after:)` bounds the wait, and `finished()` says whether EOF was reached. The
/// thread polls in 500 ms steps so that it can notice the stop (two wake-ups a second while a
/// job is quiet).
final class PipeReader: Sendable {
    private let done = OneShot<Bool>()
    private let stopAt = Mutex<ContinuousClock.Instant?>(nil)

    /// Takes ownership of `fd` (closed at the end).
    init(fd: Int32, onLine: @escaping @Sendable (String) -> Void) {
        Thread.detachNewThread { [self] in
            done.resolve(read(fd: fd, onLine: onLine))
            close(fd)
        }
    }

    /// Stop reading `delay` from now even if EOF has not come.
    func stop(after delay: Duration) {
        stopAt.withLock { $0 = ContinuousClock().now.advanced(by: delay) }
    }

    /// Waits for the reader to end; true when it reached EOF.
    func finished() async -> Bool { await done.value() }

    private func read(fd: Int32, onLine: (String) -> Void) -> Bool {
        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        defer { splitter.finish(onLine) }
        while true {
            if let deadline = stopAt.withLock({ $0 }), ContinuousClock().now >= deadline { return false }
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, 500)
            if ready < 0, errno != EINTR { return false }
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return false
            }
            if n == 0 { return true }
            buffer.withUnsafeBufferPointer { splitter.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), onLine) }
        }
    }
}
