import Foundation
import JobctlTime

#if canImport(Glibc)
    import Glibc
#endif

/// A shell command job: `/bin/sh -c COMMAND` in its own process group, stdout and stderr read
/// line by line to EOF (each line handed to `onLine`), the last 4 KiB kept.
///
/// A run's processes never outlive it: on timeout or cancellation the group is ended
/// (`ProcessGroup`: SIGTERM, grace, SIGKILL), and so is whatever the shell leaves behind when it
/// exits on its own. Only then is the output read to EOF, so the last lines always reach the
/// tail.
public enum CommandProcess {
    public enum LaunchError: Error, Sendable, CustomStringConvertible {
        case spawn(String)
        public var description: String {
            switch self {
            case .spawn(let reason): "cannot start /bin/sh: \(reason)"
            }
        }
    }

    static let tailLimit = 4096
    /// How long to keep reading once every process of the group is gone (only a process that
    /// escaped the group can keep the pipes open that long).
    static let drainLimit: Duration = .seconds(2)
    /// The descriptor number under which a command's processes hold the job's lock.
    public static let lockDescriptorInChild: Int32 = 3

    /// Runs the command to its end. On `deadline` or task cancellation the whole process group
    /// is ended (SIGTERM, `grace`, SIGKILL). `lockDescriptor`, when given, is inherited by the
    /// command's processes as descriptor 3 (see `OrphanedRuns`).
    public static func run(
        _ command: String, environment: [String: String], lockDescriptor: Int32? = nil, deadline: Date?,
        clock: any WallClock, grace: Duration = .seconds(5), onLine: @escaping @Sendable (String, Bool) -> Void
    ) async throws(LaunchError) -> CommandOutcome {
        ChildSignals.restoreDefaults()
        // A leased run (PostgreSQL STATE_DB) runs under its guard (`RunGuardProcess`).
        let lease = RunLease.current
        let (child, outFD, errFD, guardSocket) = try launch(
            command, environment: environment, lockDescriptor: lockDescriptor, lease: lease)
        let group = ProcessGroup(id: child)
        RunningProcessGroups.insert(child)
        defer {
            RunningProcessGroups.remove(child)
            if let guardSocket { lease?.detach(guardSocket) }
        }
        let tail = OutputTail(limit: tailLimit)
        let readers = [(outFD, false), (errFD, true)].map { fd, isError in
            PipeReader(fd: fd) { line in
                tail.append(line + "\n")
                onLine(line, isError)
            }
        }
        let exit = ExitWaiter(pid: child)
        let reason = await race(exit: exit, group: group, deadline: deadline, clock: clock, grace: grace)
        // Not cancellable from here on: the group is ended and the output read even on shutdown.
        return await Task {
            let status = await exit.wait()
            let leftBehind = reason == .exited && !group.isEmpty
            if leftBehind { await group.end(grace: grace) }
            readers.forEach { $0.stop(after: Self.drainLimit) }
            var reachedEOF = true
            for reader in readers {
                if await !reader.finished() { reachedEOF = false }
            }
            return CommandOutcome(
                ending: Self.ending(status), timedOut: reason == .timedOut, cancelled: reason == .cancelled,
                outputTail: tail.text, leftProcessesBehind: leftBehind, outputLeftOpen: !reachedEOF)
        }.value
    }

    enum StopReason: Sendable { case exited, timedOut, cancelled }

    /// Waits for the shell's exit, the deadline or cancellation, whichever comes first; on the
    /// last two the group is ended (the exit waiter then returns once the shell is gone).
    private static func race(
        exit: ExitWaiter, group: ProcessGroup, deadline: Date?, clock: any WallClock, grace: Duration
    ) async -> StopReason {
        var ender: Task<Bool, Never>?
        let reason = await withTaskGroup(of: StopReason.self) { tasks in
            tasks.addTask {
                await exit.wait(); return .exited
            }
            if let deadline {
                tasks.addTask {
                    do { try await clock.sleep(until: deadline) } catch { return .cancelled }
                    return .timedOut
                }
            }
            tasks.addTask {
                // Cancellation of the run (shutdown) arrives here.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return .cancelled
            }
            var first = await tasks.next() ?? .exited
            if first == .cancelled, !Task.isCancelled {
                first = await tasks.next() ?? .exited  // the deadline sleeper was cancelled by the group: ignore
            }
            if first != .exited { ender = Task { await group.end(grace: grace) } }
            tasks.cancelAll()
            return first
        }
        _ = await ender?.value
        return reason
    }

    static func ending(_ exit: ChildExit) -> CommandOutcome.Ending {
        switch exit {
        case .status(let status):
            (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        case .waitFailed(let code):
            .unknown("cannot wait for /bin/sh: \(String(cString: strerror(code)))")
        }
    }

    /// Pipes, then the shell (or, with a lease, the guard that starts it); returns its pid, the
    /// read ends of stdout and stderr, and the node's end of the guard's socket.
    private static func launch(
        _ command: String, environment: [String: String], lockDescriptor: Int32?, lease: RunLease?
    ) throws(LaunchError) -> (pid_t, Int32, Int32, Int32?) {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw .spawn(String(cString: strerror(errno))) }
        guard pipe(&errPipe) == 0 else {
            outPipe.forEach { close($0) }
            throw .spawn(String(cString: strerror(errno)))
        }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // A copy of the lock descriptor above the ones the child sets up (0-3), so that moving
        // it to 3 in the child is a real dup2 that clears close-on-exec.
        let lockCopy = lockDescriptor.map { fcntl($0, F_DUPFD_CLOEXEC, 10) } ?? -1
        var pid: pid_t = 0
        var sockets: [Int32] = [-1, -1]
        var program = Program.shell(command)
        if let lease {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0
            else {
                (outPipe + errPipe).forEach { close($0) }
                throw .spawn("cannot make the guard's socket: \(String(cString: strerror(errno)))")
            }
            // Above the descriptors the child sets up, so that moving it is a real dup2 (as the lock).
            let guardEnd = fcntl(sockets[1], F_DUPFD_CLOEXEC, 10)
            close(sockets[1])
            sockets[1] = guardEnd
            program = RunGuardProcess.program(command, lease: lease, socket: guardEnd, lockInChild: lockCopy >= 0)
        }
        let result = spawn(
            program, environment: environment, stdout: outPipe[1], stderr: errPipe[1],
            lock: lockCopy >= 0 ? lockCopy : nil, pid: &pid)
        close(outPipe[1])
        close(errPipe[1])
        if lockCopy >= 0 { close(lockCopy) }
        if sockets[1] >= 0 { close(sockets[1]) }
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            if sockets[0] >= 0 { close(sockets[0]) }
            throw .spawn(String(cString: strerror(result)))
        }
        if let lease, sockets[0] >= 0 { lease.attach(sockets[0]) }
        return (pid, outPipe[0], errPipe[0], sockets[0] >= 0 ? sockets[0] : nil)
    }

    /// What `spawn` starts: the path, its arguments, and a descriptor to pass at a fixed number.
    struct Program {
        var path: String
        var arguments: [String]
        var passing: (descriptor: Int32, as: Int32)?

        static func shell(_ command: String) -> Program {
            Program(path: "/bin/sh", arguments: ["/bin/sh", "-c", command])
        }
    }

    /// posix_spawn with a new process group, default signal dispositions (the scheduler ignores
    /// SIGINT/SIGTERM/SIGHUP to receive them through Dispatch; children must not inherit that),
    /// an empty signal mask, stdin from /dev/null, the lock (if any) as descriptor 3, and no
    /// other descriptor of ours.
    private static func spawn(
        _ program: Program, environment: [String: String], stdout: Int32, stderr: Int32, lock: Int32?,
        pid: inout pid_t
    ) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
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
        if let lock { posix_spawn_file_actions_adddup2(&actions, lock, lockDescriptorInChild) }
        var firstClosed: Int32 = lock == nil ? 3 : lockDescriptorInChild + 1
        if let passing = program.passing {
            posix_spawn_file_actions_adddup2(&actions, passing.descriptor, passing.as)
            firstClosed = max(firstClosed, passing.as + 1)
        }
        // Nothing else of ours leaks into the job: descriptors the scheduler inherited without
        // close-on-exec (a supervisor's pipes, say) would otherwise outlive it in the job.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, firstClosed) }

        let argv: [UnsafeMutablePointer<CChar>?] = program.arguments.map { (arg: String) in strdup(arg) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.map { (key: String, value: String) in strdup("\(key)=\(value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        return posix_spawn(&pid, program.path, &actions, &attributes, argv, envp)
    }

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module
    /// does not expose (it needs _GNU_SOURCE); looked up once.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    nonisolated(unsafe) private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
}
