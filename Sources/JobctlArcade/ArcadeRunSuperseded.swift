/// Thrown inside a write transaction whose run no longer holds its lease (`PAYOUT_TX`,
/// `SUPERSEDED`): the transaction is rolled back and the job stops, writing nothing more.
public struct ArcadeRunSuperseded: Error, CustomStringConvertible, Sendable {
    public var runID: Int64

    public var description: String {
        "run \(runID) no longer holds its lease (reaped or finished elsewhere): stopped, nothing more written"
    }
}
