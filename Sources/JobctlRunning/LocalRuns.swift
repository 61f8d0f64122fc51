/// What the requesting process already has under way for a job when it asks for a run: its
/// runs of the job, and whether a fire of the job waits for a slot (`MAX_CONCURRENT`). The
/// scheduler fills it in; `jobctl trigger` and `jobctl backfill` have nothing under way.
public struct LocalRuns: Sendable, Equatable {
    public var running: Int
    public var waitingForSlot: Bool

    public init(running: Int = 0, waitingForSlot: Bool = false) {
        self.running = running
        self.waitingForSlot = waitingForSlot
    }

    /// Nothing under way.
    public static let none = LocalRuns()

    /// A run of the job is under way or one of its fires is waiting for a slot.
    public var isBusy: Bool { running > 0 || waitingForSlot }
}
