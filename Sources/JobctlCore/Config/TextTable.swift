/// Left-aligned plain-text columns, two spaces apart. Widths count characters, so ANSI colour
/// codes must be added by the caller only to the last column.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(header: [String]) { self.header = header }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        let all = [header] + rows
        let columns = header.count
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == columns - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func padding(toLength length: Int, withPad pad: String, startingAt: Int) -> String {
        count >= length ? self : self + String(repeating: pad, count: length - count)
    }
}

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
