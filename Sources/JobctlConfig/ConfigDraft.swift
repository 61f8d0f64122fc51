import JobctlTime

/// What the config reader has gathered from the lines read so far.
struct ConfigDraft {
    var errors: [ConfigError] = []
    /// The values of the settings that may be set once (paths resolved), and their lines.
    var values: [String: String] = [:]
    var settingLines: [String: Int] = [:]
    var appDatabaseLocation: ConfigLocation?
    /// The zone of the lines below: the last `TZ=` above them, else the machine's.
    var zone: ZoneRules
    var zoneSource: ZoneSource
    /// `PASS_ENV=`, like `TZ=` for the lines below it; an empty one resets.
    var passEnvironment: [String] = []
    /// `ON_FAILURE=`, like `PASS_ENV=` for the lines below it; an empty one resets.
    var onFailure: String?
    var jobs: [JobDefinition] = []
    /// The line each job name was defined on.
    var jobLines: [String: Int] = [:]
    /// The error at the first built-in job, reported when no `APP_DB` is set.
    var missingAppDatabase: ConfigError?

    init(zone: ZoneRules) {
        self.zone = zone
        self.zoneSource = .machine
    }

    mutating func report(_ problem: ConfigProblem, on line: ConfigLine, at column: Int, width: Int = 1) {
        errors.append(line.error(problem, at: column, width: width))
    }
}
