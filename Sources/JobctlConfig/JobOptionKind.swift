/// The kind of value a job option takes.
public enum JobOptionKind: Sendable, Equatable {
    /// `90s`, `10m`, `1h30m`, `90d`.
    case duration
    case integer(ClosedRange<Int>)
    case boolean
}
