// swift-tools-version: 6.0
import PackageDescription

// The architecture (docs/ARCHITECTURE.md): one target per layer. A target uses only targets on
// lines below its own, and the compiler refuses an arrow back up.
//
//   jobctl            jobctl-dev        the product │ development commands (tests, benchmarks)
//   JobctlHTTP        JobctlDevSupport  API and status page │ what jobctl-dev drives
//   JobctlScheduling  JobctlArcade      the scheduler loop │ the arcade's built-in jobs
//   JobctlRunning                       one run: guard, claim, process or built-in job, record
//   JobctlReports                       tables and JSON of config and history
//   JobctlStore       JobctlPostgresStore  StateStore + SQLite │ the same contract on PostgreSQL
//   JobctlConfig                        jobs.conf, given the catalog of built-in jobs
//   JobctlTime                          cron, zones, civil time, WallClock, RFC 3339, durations
//   (JobctlPostgres: a leaf over libpq that depends on nothing of ours; Config parses STATE_DB
//   URLs with it)
let package = Package(
    name: "jobctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jobctl", targets: ["jobctl"]),
        .executable(name: "jobctl-dev", targets: ["jobctl-dev"]),
        .executable(name: "jobctl-guard", targets: ["jobctl-guard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already a dependency of Hummingbird (no extra build); used to stop the server gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        // Time: cron expressions and schedules, zone rules (TZif), civil time, the `WallClock`
        // seam, RFC 3339 and duration text. Depends on nothing.
        .target(name: "JobctlTime"),
        // Config: reads and checks `jobs.conf` into `JobsConfig`. Knows built-in jobs only through
        // the `BuiltinJobCatalog` it is given (their names and options), never the jobs themselves.
        // It parses a PostgreSQL STATE_DB with the leaf client's `PostgresURL`.
        .target(name: "JobctlConfig", dependencies: ["JobctlTime", "JobctlPostgres"]),
        // Store: the `StateStore` contract and its SQLite implementation (history, summaries,
        // Prometheus figures, alert markers), `JobMetrics` and how counters read.
        .target(
            name: "JobctlStore",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlPostgres", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Reports: the tables and JSON that people and programs read (check, list, history, stats).
        .target(name: "JobctlReports", dependencies: ["JobctlTime", "JobctlConfig", "JobctlStore"]),
        // Running: runs one job once (`JobRunner`), the `RunGuard` seam and its lock files, command
        // processes, and the `BuiltinJob` protocol with the registry of built-in jobs.
        .target(
            name: "JobctlRunning",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "CJobctlGuard",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The per-run guard process of a leased run (`jobctl __guard`, docs/several-hosts.md §5.4):
        // C entered from a constructor before Swift's main, so that it starts fast. A leaf.
        .target(name: "CJobctlGuard"),
        // The same guard as a tiny executable next to `jobctl`, which starts faster; `jobctl __guard`
        // is the fallback when it is missing. Linked statically: no dynamic loader, no shared Swift
        // runtime to map (p50 to a started command 1.1 ms instead of 7 ms; RunGuardProcess.swift).
        .executableTarget(
            name: "jobctl-guard", dependencies: ["CJobctlGuard"],
            linkerSettings: [.unsafeFlags(["-static-executable"])]),
        // Arcade: the arcade's built-in jobs (prizepool, leaderboard, cleanup), which register
        // themselves in `ArcadeJobs.registry`, and the demo data; on SQLite or PostgreSQL (the leaf
        // client), never through the PostgreSQL state store (the run's fence is a `RunFence`).
        .target(
            name: "JobctlArcade",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlRunning", "JobctlPostgres",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Scheduling: the foreground scheduler (`Scheduler`, `FirePlan`): when each fire is due,
        // overlap, catch-up, reload and shutdown. Knows no job in particular.
        .target(
            name: "JobctlScheduling",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlReports", "JobctlRunning",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP: the API and status page of `jobctl run --http`; the only target that sees NIO.
        .target(
            name: "JobctlHTTP",
            dependencies: [
                "JobctlConfig", "JobctlStore", "JobctlReports", "JobctlRunning", "JobctlScheduling",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The product: commands, logging and signals; wires `ArcadeJobs.registry` into the config
        // reader and the runner.
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlReports", "JobctlRunning", "JobctlArcade",
                "JobctlScheduling", "JobctlHTTP", "JobctlPostgres", "JobctlPostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Development only, not in the product: what tests and benchmarks drive from outside
        // (seeding a history, racing claims, running one built-in job directly, a simulated
        // arcade writer).
        .target(
            name: "JobctlDevSupport",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlRunning", "JobctlArcade",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "jobctl-dev",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlRunning", "JobctlArcade", "JobctlDevSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jobctl-bench",
            dependencies: ["JobctlTime", "JobctlStore", "JobctlPostgres", "JobctlPostgresStore"]
        ),
        // PostgreSQL client (issue 11): Debian's libpq, wrapped by a leaf target that depends on
        // nothing of ours, so any layer can use it. Why libpq and not postgres-nio: docs/postgres.md.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "JobctlPostgres",
            dependencies: ["CLibPQ"]
        ),
        // The state store on PostgreSQL, shared by several hosts (issue 11, docs/several-hosts.md).
        .target(
            name: "JobctlPostgresStore",
            dependencies: ["JobctlTime", "JobctlConfig", "JobctlStore", "JobctlPostgres"]
        ),
        .testTarget(
            name: "JobctlPostgresTests",
            dependencies: ["JobctlPostgres"]
        ),
        // The store-conformance suite runs against SQLite and PostgreSQL, hence the PostgreSQL store.
        .testTarget(
            name: "JobctlCoreTests",
            dependencies: [
                "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlReports", "JobctlRunning", "JobctlArcade",
                "JobctlScheduling", "JobctlDevSupport", "JobctlPostgresStore", "JobctlPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "JobctlHTTPTests",
            dependencies: [
                "JobctlHTTP", "JobctlTime", "JobctlConfig", "JobctlStore", "JobctlReports",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "jobctlTests",
            dependencies: ["JobctlStore", "JobctlPostgres", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
