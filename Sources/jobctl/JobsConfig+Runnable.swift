import JobctlConfig

extension JobsConfig {
    /// The job `trigger` and `backfill` are asked to run: an unknown name (with the config's
    /// jobs listed) or a disabled job is a one-line error, exit 2.
    func runnableJob(named name: String) throws -> JobDefinition {
        guard let definition = job(named: name) else {
            let names = jobs.map(\.name).joined(separator: ", ")
            throw fail("unknown job '\(name)' in \(path) (jobs: \(names.isEmpty ? "none" : names))")
        }
        if let refusal = definition.disabledRefusal { throw fail(refusal) }
        return definition
    }
}
