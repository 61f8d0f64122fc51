import Foundation
import JobctlStore

/// What the PostgreSQL store refuses or cannot decide. Connection and server failures are
/// `JobctlPostgres.PostgresError` (one line, never a password).
public enum PostgresStateStoreError: FireNotDueError, Sendable, Equatable, CustomStringConvertible {
    /// The database holds migrations this binary does not know: a newer jobctl migrated it.
    case newerSchema(migrations: [String])
    /// A value the store cannot record (a `running` finish, an attempt below 1, a time out of
    /// range…).
    case invalidArgument(String)
    /// `claim` through the `StateStore` protocol: the fire is not due yet by the database's
    /// clock (`NOT_DUE`). Never "taken": claim the same fire again at `databaseNow` + the gap.
    case notDue(job: String, fire: Date, databaseNow: Date)
    /// `claim` through the protocol: a live node schedules the job with another definition
    /// (`REFUSED`); nothing was recorded.
    case refused(job: String)
    /// The claim kept finding neither its row nor the holder's (`RACE` repeated).
    case claimRace(job: String)
    /// A row the store cannot read (an unknown status or trigger).
    case unreadableRow(String)

    /// `notDue`: the gap between the fire and the database's `now()`, at least 1 ms.
    public var notDueWait: Duration? {
        guard case .notDue(_, let fire, let now) = self else { return nil }
        return .milliseconds(max(1, HistoryTime.milliseconds(fire) - HistoryTime.milliseconds(now)))
    }

    public var description: String {
        switch self {
        case .newerSchema(let migrations):
            return "the PostgreSQL state database was migrated by a newer jobctl (unknown migrations: "
                + migrations.joined(separator: ", ") + "); upgrade jobctl"
        case .invalidArgument(let message):
            return message
        case .notDue(let job, let fire, let now):
            return "the fire of \(job) at \(fire) is not due yet by the database's clock (now \(now))"
        case .refused(let job):
            return "another live node schedules \(job) with a different definition; not claimed"
        case .claimRace(let job):
            return "the claim of \(job) kept racing with another node's; try again"
        case .unreadableRow(let message):
            return message
        }
    }
}
