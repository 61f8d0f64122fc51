import ArgumentParser
import Foundation
import JobctlTime

struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Print the next fire times of a schedule.",
        discussion: "Times are RFC 3339 with the zone's offset at that instant, strictly after --from."
    )

    @Argument(help: "A schedule: 5 or 6 cron fields, a macro, '@every 90s'.")
    var expression: String

    @Option(help: "IANA time zone (default: the machine's zone).")
    var tz: String?

    @Option(help: "Start after this time: RFC 3339, or local YYYY-MM-DDTHH:MM:SS in --tz (default: now).")
    var from: String?

    @Option(help: "How many fire times to print.")
    var count: Int = 5

    func run() async throws {
        guard count >= 1, count <= 100_000_000 else { throw fail("--count must be between 1 and 100000000") }
        let zone: ZoneRules
        do {
            zone =
                try tz.map { name throws(Zones.LookupError) in try Zones.named(name) }
                ?? Zones.current(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw fail(error.description)
        }
        let schedule: Schedule
        do {
            schedule = try Schedule.parse(expression)
        } catch {
            throw fail(error.message)
        }
        if case .reboot = schedule.kind {
            throw fail("@reboot fires only when the scheduler starts; it has no next fire time")
        }
        var t: Int64
        if let from {
            do {
                t = try TimeText.parse(from, in: zone)
            } catch {
                throw fail(error.description)
            }
        } else {
            t = Int64(Date().timeIntervalSince1970.rounded(.down))
        }
        var out = OutputBuffer()
        for _ in 0..<count {
            guard let next = schedule.nextFire(after: t, in: zone) else { break }
            out.withBytes { bytes in
                TimeText.append(next, offset: zone.offset(at: next), to: &bytes)
                bytes.append(10)
            }
            t = next
        }
        out.flush()
    }
}
