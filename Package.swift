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
    ],
    targets: [
        .target(
            name: "JobctlCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "jobctl",
            dependencies: [
                "JobctlCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jobctl-bench",
            dependencies: ["JobctlCore"]
        ),
        .testTarget(
            name: "JobctlCoreTests",
            dependencies: ["JobctlCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "jobctlTests",
            dependencies: ["JobctlCore", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
