/// What to do when a job is still running at its next fire.
public enum OverlapPolicy: String, Sendable, CaseIterable {
    /// Don't start; record the fire as `skipped` with the reason (default).
    case skip
    /// Run once more right after the current run ends (several fires queue one run).
    case queue
    /// Start another run in parallel.
    case allow
}
