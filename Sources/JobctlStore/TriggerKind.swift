import Foundation
import GRDB

/// Why an execution started.
public enum TriggerKind: String, Sendable, Codable, CaseIterable {
    case schedule
    case catchup
    case retry
    case manual
    /// `jobctl backfill`: a past fire of the schedule, run on purpose (its own attempt number
    /// when the fire was recorded before). Added by "v7-hook-runs" (`BackfillTriggerSchema`).
    case backfill
}
