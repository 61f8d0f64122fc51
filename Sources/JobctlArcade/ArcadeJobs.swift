import JobctlRunning

/// The arcade's built-in jobs, registered here: the product gives `registry.catalog` to the
/// config reader and `registry` to the runner. Adding a job is its file and one line here.
public enum ArcadeJobs {
    public static let registry = BuiltinJobRegistry([PrizePoolJob.self, LeaderboardJob.self, CleanupJob.self])
}
