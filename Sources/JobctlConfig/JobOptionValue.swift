/// A validated option value.
public enum JobOptionValue: Sendable, Equatable {
    case duration(milliseconds: Int64)
    case integer(Int)
    case boolean(Bool)
}
