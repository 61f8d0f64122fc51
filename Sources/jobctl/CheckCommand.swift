import ArgumentParser
import Foundation
import JobctlArcade
import JobctlConfig

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the config: print every error (exit 2), or the job table (exit 0).",
        discussion: """
            When a built-in job uses APP_DB, the arcade database is checked too, read-only (nothing \
            is created or written): a missing file or a missing or incomplete arcade schema is an \
            error at the APP_DB setting.
            """)

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        if let problem = Self.appDatabaseError(config) {
            FileHandle.standardError.write(Data("\(problem)\n1 error\n".utf8))
            throw ExitCode(ExitStatus.usage)
        }
        print("\(config.path): \(config.jobs.count) job\(config.jobs.count == 1 ? "" : "s"), no errors")
        print(config.jobTable(after: Date().unixSeconds), terminator: "")
    }

    /// The arcade database's problem, located at the `APP_DB` setting; nil when no built-in job
    /// uses it or it has the complete schema.
    static func appDatabaseError(_ config: JobsConfig) -> ConfigError? {
        let usesArcade = config.jobs.contains { job in
            if case .builtin = job.action { return true }
            return false
        }
        guard usesArcade, let path = config.appDatabasePath else { return nil }
        let detail: String
        if ArcadePostgresDatabase.isURL(path) {
            guard let problem = postgresProblem(path, passwordFile: config.appPasswordFile) else { return nil }
            detail = problem
        } else {
            do {
                guard let problem = try ArcadeSchema.check(path: path).problem else { return nil }
                detail = ArcadeDatabaseError(path: path, message: problem).description
            } catch {
                detail = "\(error)"
            }
        }
        let location = config.appDatabaseLocation ?? ConfigLocation(path: config.path, line: 1, column: 1)
        let text = (try? String(contentsOfFile: config.path, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let lineText = location.line <= lines.count ? String(lines[location.line - 1]) : ""
        let value = lineText.dropFirst(max(0, location.column - 1)).prefix { $0 != " " && $0 != "\t" && $0 != "#" }
        return ConfigError(location: location, problem: .appDatabase(detail), lineText: lineText, width: value.count)
    }

    /// A PostgreSQL APP_DB (its URL was already checked with the config): its schema, read-only,
    /// when the server is reachable. Decision: an unreachable server is not a config error
    /// (the database may be down while the config is checked); it is said on stderr.
    static func postgresProblem(_ url: String, passwordFile: String?) -> String? {
        let database: ArcadePostgresDatabase
        do {
            database = try ArcadePostgresDatabase(url: url, passwordFile: passwordFile, requireSchema: false)
        } catch {
            FileHandle.standardError.write(Data("jobctl: note: APP_DB not checked: \(error)\n".utf8))
            return nil
        }
        do {
            guard let problem = try database.schemaCheck().problem else { return nil }
            return ArcadeDatabaseError(path: database.name, message: problem).description
        } catch {
            return "\(error)"
        }
    }
}
