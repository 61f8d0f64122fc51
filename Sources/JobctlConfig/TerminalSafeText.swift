/// Text made safe to print on an operator's terminal: no control character is written raw.
///
/// Job output and arcade strings (player names, addresses) end up in log lines; an ESC there
/// would drive the terminal (colours, cursor moves, window titles, even clipboard writes), a CR
/// would overwrite what is on the line. So every C0 control, DEL and every C1 control
/// (U+0080–U+009F; U+009B is a one-character CSI) is written as a visible escape:
/// `\t` `\r` `\n`, else `\x1b`, `\x7f`, `\u009b`. Backslashes are left as they are (a job may
/// print a literal `\x1b`; it is harmless text). Text without controls is returned unchanged.
public enum TerminalSafeText {
    /// `text` with every control character escaped; with `indentingNewlines`, a newline stays
    /// a line break but the next line is indented, so a message can span lines (the startup
    /// job table) without any line of it passing for a log line of its own.
    public static func escaped(_ text: String, indentingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A where indentingNewlines: result += "\n    "
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x80...0x9F: result += "\\u00" + hex(scalar.value)
            default: result += "\\x" + hex(scalar.value)
            }
        }
        return result
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(value >> 4) & 0xF], digits[Int(value) & 0xF]])
    }
}
