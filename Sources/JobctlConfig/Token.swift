import Foundation
import JobctlTime

/// A word of a config line with its 1-based column. `raw` is the text as written (quotes
/// included), `text` with quotes removed and escapes resolved.
struct Token {
    var raw: String
    var text: String
    var column: Int
    /// Offset in `text` of the first `=` outside quotes, if any.
    var equalsIndex: Int?

    /// `NAME=value` with an upper-case name: a setting.
    var setting: (String, String)? {
        guard let (key, value) = option, let first = key.unicodeScalars.first,
            CharacterSet.uppercaseLetters.contains(first) || first == "_",
            key.unicodeScalars.allSatisfy({
                CharacterSet.uppercaseLetters.contains($0) || CharacterSet.decimalDigits.contains($0) || $0 == "_"
            })
        else { return nil }
        return (key, value)
    }

    /// `key=value`.
    var option: (String, String)? {
        guard let i = equalsIndex, i > 0 else { return nil }
        let key = String(text.prefix(i))
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (key, String(text.dropFirst(i + 1)))
    }

    var looksLikeCronField: Bool {
        let upper = raw.uppercased()
        guard !upper.isEmpty,
            upper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "*?,/#-".contains($0)) })
        else { return false }
        let words = upper.split(whereSeparator: { !$0.isLetter })
        return words.allSatisfy { word in
            word == "L" || word == "W" || word == "LW" || CronFieldKind.monthNames[String(word)] != nil
                || CronFieldKind.dayNames[String(word)] != nil
        }
    }
}
