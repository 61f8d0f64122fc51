import GRDB

/// Reading arcade values without trusting the declared column types.
///
/// SQLite keeps any value in any column: a TEXT score, a REAL amount, a BLOB address. GRDB's
/// typed row subscript traps on a value it cannot convert, so arcade code never decodes that
/// way: it reads the `DatabaseValue` (which never fails) and decides from its storage class.
/// Money and scores count only as INTEGER; REAL 12.0 is not an integer here.
extension DatabaseValue {
    /// The value when it is stored as INTEGER, else nil.
    var exactInteger: Int64? {
        if case .int64(let value) = storage { return value }
        return nil
    }

    /// The value when it is stored as TEXT, else nil.
    var text: String? {
        if case .string(let value) = storage { return value }
        return nil
    }

    /// For messages: `INTEGER -5`, `REAL 12.75`, `TEXT '12.50 USDC'`, `BLOB of 3 bytes`, `NULL`.
    /// One short line: text is cut at 40 characters and control characters are escaped.
    var storedDescription: String {
        switch storage {
        case .null: "NULL"
        case .int64(let value): "INTEGER \(value)"
        case .double(let value): "REAL \(value)"
        case .string(let value): "TEXT '\(value.escapedForMessage(limit: 40))'"
        case .blob(let data): "BLOB of \(data.count) bytes"
        }
    }
}

extension Row {
    /// The value of column `index`, whatever its storage class (never traps).
    func stored(_ index: Int) -> DatabaseValue {
        self[index]
    }

    /// The value of column `name`, whatever its storage class; NULL when there is no such column.
    func stored(_ name: String) -> DatabaseValue {
        self[name] ?? .null
    }

    /// A count or sum computed by SQL (`COUNT(*)`, `SUM(flag)`): INTEGER, or 0.
    func sqlCount(_ name: String) -> Int64 {
        stored(name).exactInteger ?? 0
    }
}

extension String {
    /// At most `limit` characters, control characters (ESC, CR, NUL…) written as `\u{1B}`, so
    /// that a value from the database can't rewrite the operator's terminal.
    func escapedForMessage(limit: Int) -> String {
        var result = ""
        for (index, scalar) in unicodeScalars.enumerated() {
            if index == limit {
                result += "…"
                break
            }
            let isControl = scalar.properties.generalCategory == .control || scalar.value == 0x7F
            result += isControl ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }
        return result
    }
}
