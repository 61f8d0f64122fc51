import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// What `DemoData.create` makes (`jobctl demo-data` flags).
public struct DemoDataOptions: Sendable {
    /// Days of recent play before `now`.
    public var days: Int
    /// Sessions in the database (recent ones plus about 5 % of old history to archive).
    public var sessions: Int
    public var seed: UInt64
    /// Period dates are calendar dates in this zone.
    public var timeZone: TimeZone
    /// Replace an existing non-empty database.
    public var force: Bool

    public init(
        days: Int = 30, sessions: Int = 50_000, seed: UInt64 = 1,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .gmt, force: Bool = false
    ) {
        self.days = days
        self.sessions = sessions
        self.seed = seed
        self.timeZone = timeZone
        self.force = force
    }
}
