// swift-tools-version: 6.1
import PackageDescription

// FestivalGate runs on Linux only: the kiosk reads cameras through V4L2, and every C library
// comes from Debian's -dev packages (.ci/run installs them). No Apple platform is a target.
//
// Targets go from C to Swift to app, one step each:
//   COpenSSL, CSQLite → Shared → Server / Kiosk → ticket-server / gate-kiosk
//   CQRencode, CZlib → QRCodes → Server (and the kiosk's test scenes),  CZBar, CZXing, CV4L2 → Kiosk
/// The web pages' templates, message catalogues and static files (Server/Sources/Pages/…).
let pageResources = [
    "Templates/layout.mustache", "Templates/error.mustache", "Templates/home.mustache", "Templates/event.mustache",
    "Templates/signup.mustache", "Templates/login.mustache", "Templates/tickets.mustache", "Templates/print.mustache",
    "Templates/confirm.mustache", "Templates/manage.mustache", "Templates/manage-event.mustache",
    "Templates/manage-tickets.mustache", "Templates/manage-gates.mustache", "Templates/dashboard.mustache",
    "Templates/dashboard-figures.mustache", "Templates/queue.mustache", "Templates/sale-figures.mustache",
    "Messages/en.json", "Messages/ko.json",
    "Static/app.css", "Static/print.css", "Static/app.js",
]

let package = Package(
    name: "FestivalGate",
    products: [
        .library(name: "Shared", targets: ["Shared"]),
        .executable(name: "ticket-server", targets: ["TicketServerCommand"]),
        .executable(name: "gate-kiosk", targets: ["GateKioskCommand"]),
        .executable(name: "token-bench", targets: ["TokenBench"]),
        .executable(name: "server-load", targets: ["ServerLoad"]),
        .executable(name: "kiosk-bench", targets: ["KioskBench"]),
        .executable(name: "gate-bench", targets: ["GateBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // swift-configuration support is not used: leaving that trait out keeps builds shorter.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // File descriptors and errno as types, with EINTR retried inside (NIO already uses it).
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // The kiosk's --ca: trust a festival's private certificate (already under AsyncHTTPClient).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // The web pages: templates kept as files, and the seat-map CSV upload form.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // /metrics: counters and histograms through swift-metrics, written out by swift-prometheus.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The second store, for several server processes on one database (docs/SERVER.md).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries, each behind a module map and a shim header.
        .systemLibrary(
            name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Shared/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CQRencode", path: "Shared/CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(
            name: "CZBar", path: "Kiosk/CZBar", pkgConfig: "zbar",
            providers: [.apt(["libzbar-dev"])]),
        /// zxing-cpp is C++: a small C face on it, compiled here, that Swift imports.
        .target(
            name: "CZXing", path: "Kiosk/CZXing",
            linkerSettings: [.linkedLibrary("ZXing")]),
        .systemLibrary(
            name: "CV4L2", path: "Kiosk/CV4L2", pkgConfig: "libv4l2",
            providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),

        // MARK: The FT1 token, keys and storage both programs share.
        .target(
            name: "Shared",
            dependencies: ["COpenSSL", "CSQLite", .product(name: "SystemPackage", package: "swift-system")],
            path: "Shared/Sources"),
        /// What the server and its gates share: the gate API's words and wire types, and the
        /// admission rules, written once for both.
        .target(name: "GateProtocol", dependencies: ["Shared"], path: "Shared/GateProtocol"),
        /// QR codes drawn by libqrencode, as SVG and PNG: the server's tickets, the kiosk's test scenes.
        .target(name: "QRCodes", dependencies: ["CQRencode", "CZlib", "Shared"], path: "Shared/QRCodes"),
        /// How both programs run their argument-parser commands (one-line errors, exit codes) and log.
        .target(
            name: "FestivalGateCLI",
            dependencies: [
                "Shared", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/CommandLineRunner"),

        // MARK: The issuing server.
        .target(
            name: "Server",
            dependencies: [
                "Shared", "GateProtocol", "QRCodes",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "CZlib",
            ],
            path: "Server/Sources",
            // Everything the server serves is embedded in its binary: one file to deploy.
            // `PageResources` lists the page files; a test checks none is left out here.
            resources: [.embedInCode("Web/openapi.json")] + pageResources.map { .embedInCode("Pages/\($0)") }),
        .executableTarget(
            name: "TicketServerCommand",
            dependencies: [
                "Server", "Shared", "FestivalGateCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Server/Command"),

        // MARK: The gate kiosk.
        .target(
            name: "Kiosk",
            dependencies: [
                "Shared", "GateProtocol", "CZBar", "CZXing", "CV4L2", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Kiosk/Sources"),
        .executableTarget(
            name: "GateKioskCommand",
            dependencies: [
                "Kiosk", "Shared", "FestivalGateCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Kiosk/Command"),

        // MARK: Benchmarks (run in release mode; see docs/BENCHMARKS.md).
        .executableTarget(name: "TokenBench", dependencies: ["Shared"], path: "bench/TokenBench"),
        /// What the load benchmarks share: seeding a data directory with halls and signed-in
        /// attendees, and a burst of connections that all ask at once (the rush test runs them
        /// through `server-load`).
        .target(
            name: "LoadTesting",
            dependencies: [
                "Server", "Shared", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/LoadTesting"),
        .executableTarget(
            name: "ServerLoad",
            dependencies: ["Server", "Shared", "LoadTesting", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            path: "bench/ServerLoad"),
        .executableTarget(
            name: "GateBench",
            dependencies: [
                "Server", "Shared", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "bench/GateBench"),
        .executableTarget(name: "KioskBench", dependencies: ["Kiosk", "Shared", "QRCodes", "GateScenes"], path: "bench/KioskBench"),

        // MARK: Tests.
        .target(name: "TestSupport", dependencies: ["Shared"], path: "Tests/TestSupport"),
        /// libjpeg, for the test scenes' MJPEG frames (the kiosk itself never sees JPEG: libv4l2 decodes it).
        .systemLibrary(name: "CJPEG", path: "Tests/CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(
            name: "GateScenes", dependencies: ["Kiosk", "QRCodes", "CJPEG"], path: "Tests/GateScenes",
            // Rendering a camera frame is millions of float operations: optimised even in debug
            // builds, or the scanning tests would spend their time drawing.
            swiftSettings: [.unsafeFlags(["-O"])]),
        .testTarget(
            name: "SharedTests", dependencies: ["Shared", "TestSupport"], path: "Tests/SharedTests",
            resources: [.copy("Fixtures")]),
        /// The admission rules over a table of cases, once for both programs.
        .testTarget(name: "GateProtocolTests", dependencies: ["GateProtocol", "Shared"], path: "Tests/GateProtocolTests"),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Shared", "GateProtocol", "QRCodes", "TestSupport", "Kiosk", "GateScenes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/ServerTests"),
        .testTarget(
            name: "KioskTests",
            dependencies: [
                "Kiosk", "Shared", "GateProtocol", "QRCodes", "TestSupport", "GateScenes",
                .product(name: "Logging", package: "swift-log"),
                // A hostile gate server on loopback, for what the kiosk must survive.
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/KioskTests"),
    ],
    cxxLanguageStandard: .cxx17
)
