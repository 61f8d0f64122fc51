import JobctlConfig
import JobctlPostgresStore

/// The config digests a node publishes on a PostgreSQL `STATE_DB` (docs/several-hosts.md §5.1):
/// one per job, which every live node must share for the job to be claimed (`CLAIM`'s
/// `disagree`), and one for the whole config, shown by `jobctl nodes`.
///
/// Decision: a digest is FNV-1a (64 bits, 16 hex digits) over the job's canonical text: its
/// name, schedule text, zone, action (a built-in's options sorted by name), timeout, retries,
/// backoff, overlap, catch-up, jitter, enabled, on_lost, the passed environment names and the hooks, one
/// field a line. Not the config line itself: moving a job or writing `TZ=` above it instead of
/// `tz=` changes no behaviour and must not make nodes disagree. Not a cryptographic hash: it
/// detects an accidental difference between nodes' files, nothing adversarial (whoever writes
/// the shared database can do worse than forge a digest). The whole config's digest is over the
/// job digests in name order.
enum ConfigDigest {
    static func canonicalText(_ job: JobDefinition) -> String {
        let action: String
        switch job.action {
        case .command(let command): action = "command \(command)"
        case .builtin(let kind, let options):
            let sorted = options.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(describing: $0.value))" }
            action = "builtin \(kind.name) " + sorted.joined(separator: " ")
        }
        let hooks = job.hooks
        return [
            job.name, job.schedule.text, job.zone.identifier, action,
            "timeout \(job.timeoutMilliseconds.map(String.init) ?? "-")", "retries \(job.retries)",
            "backoff \(job.backoffMilliseconds)", "overlap \(job.overlap)",
            "catchup \(job.catchupMilliseconds.map(String.init) ?? "-")", "jitter \(job.jitterMilliseconds)",
            "enabled \(job.enabled)", "on_lost \(job.onLost)", "env \(job.passEnvironment.joined(separator: ","))",
            "hooks \(hooks.onFailure ?? "-") \(hooks.onRecovery ?? "-") \(hooks.alertAfter) "
                + "\(hooks.warnAfterMilliseconds.map(String.init) ?? "-") \(hooks.timeoutMilliseconds)",
        ].joined(separator: "\n")
    }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Each enabled job's claim policy: its digest, whether its runs exclude each other across
    /// nodes (every overlap but `allow`), and whether a blocked fire waits (`queue`: `CLAIM`
    /// records it `queued`, `DEQUEUE` starts it).
    static func policies(_ config: JobsConfig) -> [String: JobClaimPolicy] {
        var policies: [String: JobClaimPolicy] = [:]
        for job in config.jobs where job.enabled {
            policies[job.name] = JobClaimPolicy(
                exclusive: job.overlap != .allow, queue: job.overlap == .queue, digest: fnv1a(canonicalText(job)))
        }
        return policies
    }

    /// The whole config's digest: over every enabled job's digest, in name order.
    static func whole(_ policies: [String: JobClaimPolicy]) -> String {
        fnv1a(policies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.digest)" }.joined(separator: "\n"))
    }
}
