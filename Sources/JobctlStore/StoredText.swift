import Foundation

/// Text a run or hook produced (its output tail, its error) as every store keeps it: each NUL
/// character becomes U+FFFD. PostgreSQL's `text` cannot hold NUL (a command that printed one
/// could not be `FINISH`ed there: its row stayed `running` until a reaper marked it
/// `abandoned`), and SQLite cut the text at the first NUL; both now keep the same answer.
public enum StoredText {
    public static func clean(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\0", with: "\u{FFFD}") : text
    }
}
