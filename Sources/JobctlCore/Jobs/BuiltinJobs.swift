/// The registry of built-in jobs. A config line names one of these (or uses `job=NAME`).
public enum BuiltinJobs {
    public static let all: [any BuiltinJob.Type] = [PrizePoolJob.self, LeaderboardJob.self, CleanupJob.self]

    public static func named(_ name: String) -> (any BuiltinJob.Type)? {
        all.first { $0.name == name }
    }
}
