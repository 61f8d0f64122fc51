import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One leased run's own deadline (docs/several-hosts.md §5.4–5.6), shared by the node's
/// renewal (which extends it), the run's command (whose guard process enforces it) and the
/// self-fence (which stops the run when it passes). A `BootClock` instant in nanoseconds.
///
/// The run's task carries its lease as `RunLease.current`; `CommandProcess` then starts the
/// command under a guard (`jobctl __guard`, `guard.c`) and attaches the guard's socket, on which
/// each later deadline is sent as a decimal line. Sends never block and never raise SIGPIPE: a
/// guard that is gone just misses the line.
public final class RunLease: Sendable {
    @TaskLocal public static var current: RunLease?

    public let timings: LeaseTimings
    private struct State {
        var deadline: UInt64
        var guards: [Int32] = []
    }
    private let state: Mutex<State>

    public init(timings: LeaseTimings, deadline: UInt64) {
        self.timings = timings
        state = Mutex(State(deadline: deadline))
    }

    public var deadline: UInt64 { state.withLock { $0.deadline } }

    /// Whether the deadline has passed by `BootClock`.
    public var hasPassed: Bool { BootClock.now() >= deadline }

    /// Moves the deadline to `later` and tells the guards; false (and nothing changes) when the
    /// current deadline has already passed: a deadline the guard may have acted on is never
    /// extended (§5.4).
    @discardableResult
    public func extend(to later: UInt64) -> Bool {
        state.withLock { state in
            guard BootClock.now() < state.deadline else { return false }
            state.deadline = max(state.deadline, later)
            for socket in state.guards { Self.send(state.deadline, to: socket) }
            return true
        }
    }

    /// A guard started for this run: it gets the current deadline at once (it may have moved
    /// since the guard's arguments were written).
    func attach(_ socket: Int32) {
        state.withLock { state in
            state.guards.append(socket)
            Self.send(state.deadline, to: socket)
        }
    }

    /// The guard exited: its socket is closed (closing it earlier would tell a live guard that
    /// the node died).
    func detach(_ socket: Int32) {
        state.withLock { $0.guards.removeAll { $0 == socket } }
        close(socket)
    }

    private static func send(_ deadline: UInt64, to socket: Int32) {
        let line = Array("\(deadline)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
    }
}
