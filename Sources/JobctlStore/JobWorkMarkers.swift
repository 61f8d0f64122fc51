import Foundation
import GRDB

/// When a job's runs last found work (`WorkMarkerSchema`): start times of runs that reported a
/// work counter.
public struct JobWorkMarkers: Sendable, Equatable {
    /// The oldest and newest metered run.
    public var firstMetered: Date
    public var lastMetered: Date
    /// The newest run whose work counter was above 0.
    public var lastWork: Date?
    /// The newest run that found no work while there was activity (or with no activity counter).
    public var lastQuiet: Date?

    public init(firstMetered: Date, lastMetered: Date, lastWork: Date? = nil, lastQuiet: Date? = nil) {
        self.firstMetered = firstMetered
        self.lastMetered = lastMetered
        self.lastWork = lastWork
        self.lastQuiet = lastQuiet
    }
}
