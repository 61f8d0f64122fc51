import Foundation
import Testing

@testable import JobctlConfig
@testable import JobctlHTTP
@testable import JobctlReports
@testable import JobctlStore
@testable import JobctlTime

/// The inputs of the operators' routes (issue 12), without a server.
@Suite struct OperatorInputTests {
    @Test(
        arguments: [
            ("", nil), ("  \n", nil), (#"{}"#, nil), (#"{"note": null}"#, nil), (#"{"note": "  why  "}"#, "why"),
            (#"{"note": "pool 7 \u00e9"}"#, "pool 7 é"),
        ] as [(String, String?)])
    func aPauseBodyGivesItsNote(body: String, note: String?) throws {
        #expect(try PauseRequestBody.note(from: Data(body.utf8)) == note)
    }

    @Test(arguments: [
        "null", "[]", #""note""#, "{", #"{"note": 1}"#, #"{"note": ["a"]}"#, #"{"notes": "typo"}"#,
        #"{"note": "a", "by": "me"}"#, #"{"note": "line\nbreak"}"#, #"{"note": "\u001b[2J"}"#,
        "{\"note\": \"\(String(repeating: "x", count: 501))\"}", "\u{FF}\u{FE}",
    ])
    func aMalformedPauseBodyIsRefusedNotIgnored(body: String) {
        #expect(throws: PauseRequestBody.Invalid.self) { try PauseRequestBody.note(from: Data(body.utf8)) }
    }

    @Test(
        arguments: [("1", 1), ("42", 42), ("000123", 123), ("999999999999999999", 999_999_999_999_999_999)]
            as [(String, Int64)])
    func runIDsAreParsed(text: String, id: Int64) {
        #expect(RunDetail.parseID(text) == id)
    }

    @Test(arguments: ["", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "abc", "١", "9999999999999999999"])
    func aRunIDThatIsNotAPositiveWholeNumberIsRefused(text: String) {
        #expect(RunDetail.parseID(text) == nil)
    }

    @Test func anAnonymousRunDetailHasNoOutputOrErrorInAnyAttempt() throws {
        func record(_ id: Int64, attempt: Int) -> ExecutionRecord {
            ExecutionRecord(
                id: id, job: "a", status: .failed, scheduledAt: Date(timeIntervalSince1970: 60),
                startedAt: Date(timeIntervalSince1970: 61), attempt: attempt,
                triggeredBy: attempt == 1 ? .schedule : .retry,
                host: "h", pid: 1, error: "secret error", output: "secret output")
        }
        let detail = RunDetail(execution: record(2, attempt: 2), otherAttempts: [record(1, attempt: 1)])
        let text = String(decoding: APIJSON.encode(RunDetailJSON(detail).redactedForAnonymous), as: UTF8.self)
        #expect(!text.contains("secret"))
        #expect(text.contains(#""redacted":true"#) && text.contains(#""output":null"#))
    }
}
