extension JobMetrics {
    /// "5 processed · 2 pools finalized · 0.42 USDC paid": processed always, the other standard
    /// counters and the job's own counters when not zero, by name with money last, each read as
    /// `readings` says.
    public func summary(_ readings: CounterReadings) -> String {
        var parts = ["\(processed) processed"]
        if created != 0 { parts.append("\(created) created") }
        if updated != 0 { parts.append("\(updated) updated") }
        if skipped != 0 { parts.append("\(skipped) skipped") }
        let own = counters.filter { $0.value != 0 }.map { (name: $0.key, value: $0.value, reading: readings[$0.key]) }
        let sorted = own.sorted { ($0.reading.isMoney ? 1 : 0, $0.name) < ($1.reading.isMoney ? 1 : 0, $1.name) }
        parts += sorted.map { $0.reading.text($0.value) }
        return parts.joined(separator: " · ")
    }
}
