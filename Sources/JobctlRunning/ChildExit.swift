/// How waiting for a child ended.
enum ChildExit: Sendable, Equatable {
    /// The wait status from `waitpid`.
    case status(Int32)
    /// `waitpid` failed with this errno (e.g. ECHILD when SIGCHLD was ignored and the kernel
    /// reaped the child itself): the outcome is unknown, which a run counts as a failure.
    case waitFailed(Int32)
}
