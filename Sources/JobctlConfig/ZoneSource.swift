/// Where a job's zone came from, for `jobctl list`.
public enum ZoneSource: String, Sendable {
    case option = "tz="
    case setting = "TZ="
    case machine = "machine"
    /// A built-in job with neither `tz=` nor `TZ=`: UTC, as docs/arcade.md dates pools.
    case builtinDefault = "built-in default"
}
