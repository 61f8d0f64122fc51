import Foundation
import JobctlConfig
import JobctlPostgres
import JobctlStore
import JobctlTime

/// The `StateStore` of several hosts: one PostgreSQL database shared by every node, with every
/// fire claimed once and every run leased and fenced (issue 11, docs/several-hosts.md; each step
/// is named by its identifier there: `CLAIM`, `RENEW`, `FINISH`, `REAP_ABANDON`…).
///
/// - **A node** is this store's `node` (`host:pid:random`): the claims it makes are its own
///   (`owner_node`), and every write about a run matches the run's id (its fencing token),
///   `owner_node` and `status = 'running'` (the fence check), so a node that lost a run's lease
///   writes nothing more about it.
/// - **The database clock decides**: what is due (`scheduled_at <= now()`) and when a lease
///   expires (`lease_until`, set from `now()`). `renew(_:now:)` and `recoverInterrupted(now:)`
///   ignore the caller's instant for those decisions.
/// - **Recorded times** (`RecordedTimes`): by default the database's clock too (`started_at`,
///   `finished_at`, hence duration and lateness), so that history from several nodes is on one
///   clock (§7.1). `.caller` records the instants the caller passes, as SQLite does (the
///   conformance suite, which compares both stores on the same instants, and imports).
/// - **No session state**: every call is a transaction of its own (its timeouts travel as
///   `SET LOCAL`), so the store works behind PgBouncer in transaction mode.
/// - **Claims through the protocol** (`claim(_:)`) use the job's `JobClaimPolicy` (overlap and
///   config digest), set with `setJobPolicies(_:)`; a job without one is claimed with
///   `overlap=allow` and an empty digest. `claimFire(_:)` gives every outcome of `CLAIM`.
public final class PostgresStateStore: StateStore {
    /// Which clock the recorded instants come from.
    public enum RecordedTimes: Sendable, Equatable {
        /// `now()` of the statement, truncated to the millisecond (the design).
        case database
        /// The instants the caller passes (`ExecutionStart.startedAt`, `ExecutionEnd.finishedAt`).
        case caller
    }

    public let node: NodeIdentity
    /// How long a claim or a renewal holds the run (`LEASE`).
    public let lease: Duration
    public let recordedTimes: RecordedTimes
    let leaseMilliseconds: Int64
    let pool: PostgresConnectionPool
    let policies = JobPolicies()

    /// The default lease (`LEASE`, docs/several-hosts.md §6).
    public static let defaultLease: Duration = .seconds(30)

    /// Connects (lazily, up to `connections` at once) and applies the migrations this database
    /// lacks (serialised between nodes starting at once).
    /// - Parameters:
    ///   - lease: positive. The design's floor of 15 s is a configuration rule; tests use less.
    public init(
        configuration: PostgresConfiguration, node: NodeIdentity = .current(), lease: Duration = defaultLease,
        recordedTimes: RecordedTimes = .database, connections: Int = 4
    ) throws {
        let ms = Self.milliseconds(lease)
        guard ms >= 1, lease <= .seconds(86_400) else {
            throw PostgresStateStoreError.invalidArgument("the lease must be between 1 ms and a day, got \(lease)")
        }
        self.node = node
        self.lease = lease
        self.recordedTimes = recordedTimes
        leaseMilliseconds = ms
        pool = PostgresConnectionPool(configuration: configuration, capacity: connections)
        try pool.with { try PostgresMigrator.migrate($0) }
    }

    /// Parses `url` (`postgresql://user@host:port/db?sslmode=…`; the password never in it).
    public convenience init(
        url: String, passwordFile: String? = nil, node: NodeIdentity = .current(), lease: Duration = defaultLease,
        recordedTimes: RecordedTimes = .database
    ) throws {
        try self.init(
            configuration: PostgresConfiguration(url, passwordFile: passwordFile), node: node, lease: lease,
            recordedTimes: recordedTimes)
    }

    /// The names of the migrations this binary knows, in order.
    public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

    /// Sets each job's overlap and config digest for claims through the protocol (`claim`).
    public func setJobPolicies(_ policies: [String: JobClaimPolicy]) {
        self.policies.set(policies)
    }

    /// Closes the idle connections (a connection in use closes when its call ends).
    public func close() {
        pool.closeIdle()
    }

    /// Runs `body` in a transaction of its own on a connection of the pool.
    func transaction<T>(
        _ isolation: PostgresConnection.IsolationLevel = .readCommitted, _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        try pool.with { try $0.transaction(isolation: isolation, body) }
    }

    /// A recorded instant: the caller's (`.caller`) or nil, which the statements read as the
    /// database's `now()` truncated to the millisecond.
    func recorded(_ date: Date) throws -> PostgresValue? {
        recordedTimes == .caller ? try Self.timestamp(date) : nil
    }

    /// A `Date` as timestamptz at its millisecond (`HistoryTime`), as every stored time is.
    static func timestamp(_ date: Date) throws -> PostgresValue {
        guard date.timeIntervalSince1970.isFinite, abs(date.timeIntervalSince1970) < 1e13 else {
            throw PostgresStateStoreError.invalidArgument("not a recordable instant: \(date)")
        }
        return .timestamp(microsecondsSinceEpoch: HistoryTime.milliseconds(date) * 1000)
    }

    /// A fire (`scheduled_at`): its milliseconds as they are, no rounding on the way.
    static func timestamp(_ instant: Instant) throws -> PostgresValue {
        let (micros, overflow) = instant.milliseconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw PostgresStateStoreError.invalidArgument("not a recordable instant: \(instant)") }
        return .timestamp(microsecondsSinceEpoch: micros)
    }

    /// The database's `now()` truncated to the millisecond, or the caller's instant.
    static let recordedNowSQL = "date_trunc('milliseconds', now())"
}
