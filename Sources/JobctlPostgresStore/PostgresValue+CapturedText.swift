import Foundation
import JobctlPostgres

extension PostgresValue {
    /// Text a run or hook produced (its output tail, its error), as PostgreSQL can store it:
    /// PostgreSQL's `text` cannot hold a NUL character, so each NUL becomes U+FFFD. Without
    /// this a command that printed a NUL could not be `FINISH`ed: the row stayed `running`
    /// until a reaper marked it `abandoned` (SQLite keeps the NUL; this is the one place the
    /// two stores' answers differ).
    static func captured(_ text: String) -> PostgresValue {
        .text(text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "\u{FFFD}") : text)
    }
}
