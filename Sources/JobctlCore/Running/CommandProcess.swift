import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A shell command job: `/bin/sh -c COMMAND` in its own process group, stdout and stderr read
/// line by line (each line handed to `onLine`), the last 4 KiB kept.
public enum CommandProcess {
    public struct Outcome: Sendable, Equatable {
        public enum Ending: Sendable, Equatable {
            case exited(Int32)
            case signalled(Int32)
        }
        public var ending: Ending
        /// The run hit its timeout (the group got SIGTERM, then SIGKILL after the grace).
        public var timedOut: Bool
        /// The run was cancelled (shutdown) and the group was terminated.
        public var cancelled: Bool
        /// The last 4 KiB of stdout and stderr, interleaved as read.
        public var outputTail: String
    }

    public enum LaunchError: Error, Sendable, CustomStringConvertible {
        case spawn(String)
        public var description: String {
            switch self { case .spawn(let reason): "cannot start /bin/sh: \(reason)" }
        }
    }

    static let tailLimit = 4096

    /// Runs the command to its end. On `deadline` or task cancellation the whole process group
    /// gets SIGTERM, then SIGKILL after `grace`.
    public static func run(
        _ command: String, environment: [String: String], deadline: Date?, clock: any WallClock,
        grace: Duration = .seconds(5), onLine: @escaping @Sendable (String, Bool) -> Void
    ) async throws(LaunchError) -> Outcome {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw .spawn(String(cString: strerror(errno)))
        }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var pid: pid_t = 0
        let spawnResult = spawn(command, environment: environment, stdout: outPipe[1], stderr: errPipe[1], pid: &pid)
        close(outPipe[1])
        close(errPipe[1])
        guard spawnResult == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw .spawn(String(cString: strerror(spawnResult)))
        }

        let child = pid
        let tail = OutputTail(limit: tailLimit)
        let readers = DispatchGroup()
        for (fd, isError) in [(outPipe[0], false), (errPipe[0], true)] {
            readers.enter()
            Thread.detachNewThread {
                readLines(fd: fd) { line in
                    tail.append(line + "\n")
                    onLine(line, isError)
                }
                close(fd)
                readers.leave()
            }
        }

        let exit = ExitWaiter(pid: child)
        let reason = await withTaskGroup(of: StopReason.self) { group in
            group.addTask { await exit.wait(); return .exited }
            if let deadline {
                group.addTask {
                    do { try await clock.sleep(until: deadline) } catch { return .cancelled }
                    return .timedOut
                }
            }
            group.addTask {
                // Cancellation of the run (shutdown) arrives here.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return .cancelled
            }
            var first = await group.next() ?? .exited
            if first == .cancelled, !Task.isCancelled {
                first = await group.next() ?? .exited  // the deadline sleeper was cancelled by the group: ignore
            }
            if first != .exited {
                kill(-child, SIGTERM)
                let killer = Task {
                    try? await Task.sleep(for: grace)
                    if !Task.isCancelled { kill(-child, SIGKILL) }
                }
                await exit.wait()
                killer.cancel()
            }
            group.cancelAll()
            return first
        }
        let status = await exit.wait()
        // Output of processes the shell left behind may keep the pipes open: don't wait long.
        _ = readers.wait(timeout: .now() + .milliseconds(300))
        let ending: Outcome.Ending = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        return Outcome(ending: ending, timedOut: reason == .timedOut, cancelled: reason == .cancelled, outputTail: tail.text)
    }

    enum StopReason: Sendable { case exited, timedOut, cancelled }

    /// posix_spawn with a new process group, default signal dispositions (the scheduler ignores
    /// SIGINT/SIGTERM/SIGHUP to receive them through Dispatch; children must not inherit that),
    /// an empty signal mask, stdin from /dev/null.
    private static func spawn(_ command: String, environment: [String: String], stdout: Int32, stderr: Int32, pid: inout pid_t) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Nothing else of ours leaks into the job: descriptors the scheduler inherited without
        // close-on-exec (a supervisor's pipes, say) would otherwise outlive it in the job.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        let argv: [UnsafeMutablePointer<CChar>?] = [String](["/bin/sh", "-c", command]).map { (arg: String) in strdup(arg) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { (key: String, value: String) in strdup("\(key)=\(value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        return posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
    }

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module
    /// does not expose (it needs _GNU_SOURCE); looked up once.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    nonisolated(unsafe) private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private static func readLines(fd: Int32, _ onLine: (String) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 8192)
        var pending: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 8192) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 10) {
                onLine(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            if pending.count > 65_536 {  // a very long line: hand it over in pieces
                onLine(String(decoding: pending, as: UTF8.self))
                pending.removeAll()
            }
        }
        if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
    }
}

/// Waits for a child with a blocking `waitpid` on its own thread; any number of awaiters.
final class ExitWaiter: Sendable {
    private let status = OneShot<Int32>()

    init(pid: pid_t) {
        Thread.detachNewThread { [status] in
            var code: Int32 = 0
            while waitpid(pid, &code, 0) < 0, errno == EINTR {}
            status.resolve(code)
        }
    }

    @discardableResult
    func wait() async -> Int32 { await status.value() }
}

/// The last `limit` bytes of output, cut at a character boundary.
final class OutputTail: Sendable {
    private let bytes = LockedBox<[UInt8]>([])
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ text: String) {
        bytes.withLock { b in
            b.append(contentsOf: text.utf8)
            if b.count > limit * 2 { b.removeFirst(b.count - limit) }
        }
    }

    var text: String {
        bytes.withLock { b in
            var slice = b.suffix(limit)
            while let first = slice.first, first & 0xC0 == 0x80 { slice = slice.dropFirst() }  // no half characters
            return String(decoding: slice, as: UTF8.self)
        }
    }
}

/// A value behind a lock, for state shared with Dispatch threads.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
