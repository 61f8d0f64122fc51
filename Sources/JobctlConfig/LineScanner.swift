/// Splits one line into tokens: whitespace separates, double quotes group (with `\"` and
/// `\\` escapes), and `#` at the start of a token outside quotes starts a comment.
struct LineScanner {
    var tokens: [Token] = []
    var problem: (problem: ConfigProblem, column: Int)?

    init(_ line: String) {
        let chars = Array(line)
        if let unsafe = Self.unsafeCharacter(in: chars) {
            problem = unsafe
            return
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "#" { break }
            let start = i
            var text = ""
            var equals: Int?
            while i < chars.count, chars[i] != " ", chars[i] != "\t" {
                if chars[i] == "\"" {
                    let quote = i
                    i += 1
                    var closed = false
                    while i < chars.count {
                        if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "\"" || chars[i + 1] == "\\" {
                            text.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        if chars[i] == "\"" { closed = true; i += 1; break }
                        text.append(chars[i])
                        i += 1
                    }
                    if !closed {
                        problem = (.unterminatedQuote, quote + 1)
                        return
                    }
                    continue
                }
                if chars[i] == "=", equals == nil { equals = text.count }
                text.append(chars[i])
                i += 1
            }
            tokens.append(Token(raw: String(chars[start..<i]), text: text, column: start + 1, equalsIndex: equals))
        }
        if let oversized = Self.oversizedToken(in: tokens) { problem = oversized }
    }
}

extension LineScanner {
    /// The first character that must not appear in a config line, anywhere (comments
    /// included): control characters other than tab (NUL, CR, ESC, DEL, C1 controls) and the
    /// invisible ones that reorder or break displayed text (bidirectional controls, line and
    /// paragraph separators). With them, `check` and a terminal show one command while
    /// `/bin/sh` runs another.
    static func unsafeCharacter(in chars: [Character]) -> (problem: ConfigProblem, column: Int)? {
        for (index, character) in chars.enumerated() where character != "\t" {
            for scalar in character.unicodeScalars where isUnsafe(scalar) {
                return (.unsafeCharacter(scalar), index + 1)
            }
        }
        return nil
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The first word longer than `ConfigReader.maximumValueLength`.
    static func oversizedToken(in tokens: [Token]) -> (problem: ConfigProblem, column: Int)? {
        guard let token = tokens.first(where: { $0.text.count > ConfigReader.maximumValueLength }) else { return nil }
        return (.wordTooLong(length: token.text.count), token.column)
    }
}
