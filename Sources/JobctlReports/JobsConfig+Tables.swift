import Foundation
import JobctlConfig
import JobctlStore
import JobctlTime

extension JobsConfig {
    /// The job table of `jobctl check`: name, schedule, zone, next three fires.
    public func jobTable(after now: Int64) -> String {
        var table = TextTable(header: ["JOB", "SCHEDULE", "ZONE", "RUNS", "NEXT FIRES"])
        for job in jobs {
            var fires: [String] = []
            var t = now
            if case .reboot = job.schedule.kind {
                fires = ["at start"]
            } else {
                for _ in 0..<3 {
                    guard let next = job.schedule.nextFire(after: t, in: job.zone) else { break }
                    fires.append(TimeText.rfc3339(next, in: job.zone))
                    t = next
                }
            }
            let zone = "\(job.zone.identifier) (\(job.zoneSource.rawValue))"
            let runs = job.enabled ? job.action.description : "disabled"
            table.add([job.name, job.schedule.text, zone, runs, fires.joined(separator: ", ")])
        }
        return table.render()
    }
}

extension JobsConfig {
    /// The table of `jobctl list` (like `systemctl list-timers`): each job's schedule, zone,
    /// next fire in its zone and relative to `now`, and its last run with its status. A paused
    /// job (`pauses`) shows `paused` instead of its next fire: its fires are recorded skipped.
    public func listTable(
        now: Date, lastRuns: [String: ExecutionRecord], pauses: [String: JobPause] = [:]
    ) -> String {
        var table = TextTable(header: ["JOB", "SCHEDULE", "ZONE", "NEXT", "LEFT", "LAST RUN", "STATUS"])
        for job in jobs {
            var next = "-"
            var left = "-"
            if !job.enabled {
                next = "disabled"
            } else if pauses[job.name] != nil {
                next = "paused"
            } else if job.isReboot {
                next = "at start"
            } else if let fire = job.schedule.nextFire(after: now.unixSeconds, in: job.zone) {
                next = TimeText.rfc3339(fire, in: job.zone)
                left = "in " + DurationText.relative(seconds: fire - now.unixSeconds)
            }
            var last = "never"
            var status = "-"
            if let run = lastRuns[job.name] {
                last =
                    TimeText.rfc3339(run.startedAt.unixSeconds, in: job.zone) + " ("
                    + DurationText.relative(seconds: now.unixSeconds - run.startedAt.unixSeconds) + " ago)"
                status = run.status.rawValue
            }
            table.add([
                job.name, job.schedule.text, "\(job.zone.identifier) (\(job.zoneSource.rawValue))", next, left, last,
                status,
            ])
        }
        return table.render()
    }
}
