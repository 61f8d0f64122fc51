/// A problem in a schedule, with the character range (offsets into the schedule text) it is
/// about, so that config errors can put a caret under it.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Offsets (in characters) into the schedule text.
    public var span: Range<Int>

    public init(_ message: String, span: Range<Int>) {
        self.message = message
        self.span = span
    }

    public var description: String { message }
}
