import ArgumentParser
import Foundation
import JobctlArcade

/// `jobctl arcade init --app-db PATH`: the explicit way to create the arcade schema for a real
/// deployment (`demo-data` creates it with demo data). The built-in jobs never create it.
struct ArcadeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arcade", abstract: "Set up the arcade database (APP_DB).", subcommands: [Init.self])

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the arcade schema (tables and the jobs' indexes) in a new or empty database.",
            discussion: """
                Creates the file if it does not exist (not its directory). A database that already \
                has the complete schema is left alone (exit 0). A database holding any other table, \
                or only part of the schema, is refused (exit 1): nothing is changed.
                """)

        @Option(name: .customLong("app-db"), help: "The database file, or a postgresql:// URL.")
        var appDB: String

        func run() throws {
            do {
                let created =
                    ArcadePostgresDatabase.isURL(appDB)
                    ? try ArcadePostgresDatabase.initialize(url: appDB) : try ArcadeDatabase.initialize(path: appDB)
                if created {
                    print("created the arcade schema in \(appDB)")
                } else {
                    print("\(appDB) already has the arcade schema; nothing changed")
                }
            } catch {
                throw fail("\(error)", code: ExitStatus.failure)
            }
        }
    }
}
