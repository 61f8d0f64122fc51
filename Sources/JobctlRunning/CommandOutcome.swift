/// How a command run ended (`CommandProcess.run`).
public struct CommandOutcome: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// `waitpid` failed: the exit status is unknown (a failure, never a success).
        case unknown(String)
    }
    public var ending: Ending
    /// The run hit its timeout (the group got SIGTERM, then SIGKILL after the grace).
    public var timedOut: Bool
    /// The run was cancelled (shutdown) and the group was terminated.
    public var cancelled: Bool
    /// The last 4 KiB of stdout and stderr, interleaved as read.
    public var outputTail: String
    /// The shell exited leaving processes in its group; they were ended.
    public var leftProcessesBehind: Bool = false
    /// A process outside the group (it called `setsid`) kept the output open; reading
    /// stopped without EOF.
    public var outputLeftOpen: Bool = false
}
