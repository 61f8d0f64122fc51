/// A state store whose runs can be fenced inside another connection's transaction (the
/// PostgreSQL store). The runner asks it for the fence of each run it starts and hands the
/// fence to built-in jobs in `JobContext.fence`; SQLite's store does not conform.
public protocol RunFencing: Sendable {
    /// The fence of the run `runID` this store claimed (its token is the run id), or nil.
    func fence(forRun runID: Int64) -> RunFence?
}
