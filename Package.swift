// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "jobctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jobctl", targets: ["jobctl"]),
        .library(name: "JobctlCore", targets: ["JobctlCore"]),
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
        .target(
            name: "JobctlCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The HTTP API and status page of `jobctl run --http`: the only target that sees NIO.
        .target(
            name: "JobctlHTTP",
            dependencies: [
                "JobctlCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "JobctlCore",
                "JobctlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jobctl-bench",
            dependencies: ["JobctlCore"]
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
            dependencies: ["JobctlCore", "JobctlPostgres"]
        ),
        .testTarget(
            name: "JobctlPostgresTests",
            dependencies: ["JobctlPostgres"]
        ),
        // The store-conformance suite runs against SQLite and PostgreSQL, hence the PostgreSQL store.
        .testTarget(
            name: "JobctlCoreTests",
            dependencies: [
                "JobctlCore", "JobctlPostgresStore", "JobctlPostgres", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "JobctlHTTPTests",
            dependencies: ["JobctlHTTP", "JobctlCore"]
        ),
        .testTarget(
            name: "jobctlTests",
            dependencies: ["JobctlCore", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
