import Foundation

/// A statement parameter, sent in libpq's text format (`nil` in a parameter list is SQL NULL).
/// Parameters travel apart from the SQL text, so no value can change the statement.
///
/// Text goes with type 0 (unspecified): the server infers the type from where `$n` stands, as
/// if it were a quoted literal. Integers, booleans, doubles and timestamps carry their type so
/// that `SELECT $1` or `$1 + 1` need no cast. Integers are always bigint (money in micro-USDC
/// does not fit an integer): comparing with or storing into an integer column works, but a
/// function taking an integer needs a cast (`pg_terminate_backend($1::int)`).
public struct PostgresValue: Sendable, Hashable {
    /// The value as PostgreSQL's text input reads it.
    public let text: String
    /// The parameter's type OID; 0 lets the server infer it.
    public let typeOID: UInt32

    public init(text: String, typeOID: UInt32 = 0) {
        self.text = text
        self.typeOID = typeOID
    }

    public static func text(_ value: String) -> PostgresValue { PostgresValue(text: value) }
    public static func int64(_ value: Int64) -> PostgresValue { PostgresValue(text: String(value), typeOID: 20) }
    public static func int(_ value: Int) -> PostgresValue { PostgresValue(text: String(value), typeOID: 20) }
    public static func bool(_ value: Bool) -> PostgresValue { PostgresValue(text: value ? "t" : "f", typeOID: 16) }

    /// float8; NaN and the infinities in PostgreSQL's spelling.
    public static func double(_ value: Double) -> PostgresValue {
        let text: String
        if value.isNaN {
            text = "NaN"
        } else if value.isInfinite {
            text = value > 0 ? "Infinity" : "-Infinity"
        } else {
            text = "\(value)"
        }
        return PostgresValue(text: text, typeOID: 701)
    }

    /// timestamptz, to the microsecond (PostgreSQL's resolution), written in UTC.
    public static func timestamp(_ date: Date) -> PostgresValue {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        guard let exact = Int64(exactly: micros) else {
            // Not a representable instant (NaN, or beyond ±292,000 years): the server rejects it.
            return PostgresValue(text: "not a timestamp", typeOID: 1184)
        }
        return timestamp(microsecondsSinceEpoch: exact)
    }

    /// timestamptz from microseconds since 1970-01-01 00:00:00 UTC, exactly.
    public static func timestamp(microsecondsSinceEpoch micros: Int64) -> PostgresValue {
        PostgresValue(text: PostgresTimestamp.format(micros), typeOID: 1184)
    }
}

extension PostgresValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension PostgresValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int64(value) }
}

extension PostgresValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
