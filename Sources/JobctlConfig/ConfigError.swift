/// One config problem with its location, the text of its line and the width of the
/// offending text, rendered compiler-style:
///
///     jobs.conf:3:3: error: minute: 60 is out of range 0-59
///     0 60 * * * cleanup
///       ^~
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: ConfigLocation
    public var problem: ConfigProblem
    public var lineText: String
    public var width: Int

    public init(location: ConfigLocation, problem: ConfigProblem, lineText: String = "", width: Int = 1) {
        self.location = location
        self.problem = problem
        self.lineText = lineText
        self.width = max(1, width)
    }

    /// The problem's wording (`ConfigProblem.message`).
    public var message: String { problem.message }

    /// `FILE:LINE:COLUMN: error: MESSAGE` only.
    public var headline: String { "\(location): error: \(message)" }

    /// The headline, then the line and a caret under the offending text. The line is shown as
    /// safe text (`shownLine`).
    public var description: String {
        guard !lineText.isEmpty else { return headline }
        let (shown, cut) = Self.shownLine(lineText, column: location.column)
        let indent = shown.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        let available = max(1, shown.count - (location.column - 1))
        let underline = String(repeating: "~", count: min(width, available) - 1)
        return "\(headline)\n\(shown)\(cut ? "…" : "")\n\(indent)^\(underline)"
    }

    /// The longest line shown under an error, in characters (a bigger one is cut after the
    /// error's column).
    static let shownLineLimit = 160

    /// `line` as it may reach a terminal: control and invisible reordering characters (which
    /// the reader refuses, `LineScanner.unsafeCharacter`) become `�`, one character for one,
    /// so the caret stays in place; a long line is cut a little after `column`.
    static func shownLine(_ line: String, column: Int) -> (text: String, cut: Bool) {
        let keep = max(shownLineLimit, min(column + 40, 4 * shownLineLimit))
        let characters = line.prefix(keep).map { character -> String in
            guard character != "\t", character.unicodeScalars.contains(where: LineScanner.isUnsafe) else {
                return String(character)
            }
            return "\u{FFFD}"
        }
        return (characters.joined(), line.count > keep)
    }
}
