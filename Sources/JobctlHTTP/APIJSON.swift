import Foundation
import JobctlReports
import JobctlStore

// The JSON of the `/api/v1/jobs` routes. Every answer is `{"success": true, "data": …}` or
// `{"success": false, "error": "…"}`; keys are camelCase, sorted; absent values are `null`,
// never a missing key. Executions are `ExecutionJSON`, the objects of `jobctl history --json`;
// times are RFC 3339 in UTC with milliseconds.

extension ExecutionJSON {
    /// Without the output tail and the error text.
    var redacted: ExecutionJSON {
        var copy = self
        copy.output = nil
        copy.error = nil
        return copy
    }
}

/// Encodes an answer of the API: keys sorted, slashes unescaped.
enum APIJSON {
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every value here encodes; a failure would be a bug, answered as a plain error.
        return (try? encoder.encode(value)) ?? Data(#"{"error":"cannot encode the response","success":false}"#.utf8)
    }
}
