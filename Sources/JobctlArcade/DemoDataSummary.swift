import Foundation
import GRDB
import JobctlConfig
import JobctlTime

/// What `DemoData.create` made, as `jobctl demo-data` reports it.
public struct DemoDataSummary: Sendable, Codable, Equatable {
    public var sessions = 0
    public var completedSessions = 0
    public var expiredActiveSessions = 0
    public var players = 0
    public var leaderboardEntries = 0
    public var orphanedEntries = 0
    public var activePools = 0
    public var finalizedPools = 0
    public var payouts = 0
}
