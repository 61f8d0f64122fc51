import Foundation
import GRDB

/// Why an execution started.
public enum TriggerKind: String, Sendable, Codable, CaseIterable {
    case schedule
    case catchup
    case retry
    case manual
}
