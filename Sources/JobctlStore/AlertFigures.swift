import Foundation
import GRDB

/// What the alert metrics and the idle warning read from the history, besides the summaries.
public struct AlertFigures: Sendable, Equatable {
    public var work: [String: JobWorkMarkers] = [:]
    /// The start of each job's oldest execution still `running`.
    public var runningSince: [String: Date] = [:]

    public init(work: [String: JobWorkMarkers] = [:], runningSince: [String: Date] = [:]) {
        self.work = work
        self.runningSince = runningSince
    }
}
