// swift-tools-version: 6.1
import PackageDescription

// Upcoming features set once for every target (STYLE.md #15).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "KhongMotMinhKiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
    ],
    targets: [
        // C libraries (system-library targets).
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CRsvg",
            pkgConfig: "librsvg-2.0",
            providers: [.apt(["librsvg2-dev", "libcairo2-dev"])]
        ),
        // Intel ISA-L's igzip: the fast DEFLATE of the certificate PNG encoder.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(
            name: "CFontconfig",
            pkgConfig: "fontconfig",
            providers: [.apt(["libfontconfig-dev"])]
        ),
        // libxlsxwriter: the XLSX export (PledgeExport's XLSXWorkbook), in constant-memory mode.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // glibc's <malloc.h>: the service gives freed memory back to the system (HeapTrimmer).
        .systemLibrary(name: "CMalloc"),

        // PNG: the file around compressed image data (chunks, CRC-32), for QR codes and certificates.
        .target(
            name: "PNG",
            dependencies: ["CZlib"],
            swiftSettings: strictSettings
        ),

        // QR: text -> module matrix, renderers.
        .target(
            name: "QRCode",
            dependencies: ["CQRencode", "CZlib", "PNG"],
            swiftSettings: strictSettings
        ),

        // Domain: value types, validation, Vietnamese text; reads no file and no environment.
        .target(
            name: "PledgeKit",
            // HMAC-SHA256 of certificate codes and sync tokens (CodeIssuer, SyncToken).
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // Configuration loading: event.yaml and the files it names (YAML), environment overrides.
        .target(
            name: "KioskConfiguration",
            dependencies: ["PledgeKit", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // Wire format of the kiosk API: request and response bodies, problem details, header
        // names, the one strict JSON reader. Used by the service, a front's client and outbox.
        .target(
            name: "KioskAPI",
            dependencies: ["PledgeKit"],
            swiftSettings: strictSettings
        ),

        // The hub's domain: its events, the store protocol (HubRecords), its one error type.
        .target(
            name: "HubCore",
            // PledgeExport: an organizer's export reads the hub's rows through its ExportRows.
            dependencies: ["PledgeKit", "KioskAPI", "PledgeExport"],
            swiftSettings: strictSettings
        ),

        // The hub's store: HubRecords on PostgreSQL (postgres-nio's PostgresClient), its migrations.
        .target(
            name: "HubStore",
            dependencies: [
                "HubCore", "PledgeKit", "KioskAPI", "PledgeExport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // A bare connect tells a call at once that the database's address refuses connections.
                .product(name: "NIOPosix", package: "swift-nio"),
                // The store runs its connection pool as a service of the hub's service group.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // Store: the one place that speaks SQL.
        .target(
            name: "PledgeStore",
            dependencies: [
                // The outbox keeps a front's drafts in the wire format (PledgeRequestBody).
                "PledgeKit", "KioskAPI",
                // The export's rows (ExportSource), read from the statement without a String each.
                "PledgeExport",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API, for reading an export's columns without a String each.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                // Pledges recorded and refused, commit latency and group size (`/metrics`).
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // Documents: certificate templates (SVG + Mustache), rendering to SVG, PNG and PDF.
        .target(
            name: "Certificates",
            dependencies: [
                "PledgeKit", "QRCode", "PNG", "CRsvg", "CIsal", "CFontconfig",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),

        // Pages: every HTML page as a function from values to HTML, through Mustache templates
        // and one escaper (the event's templates folder, and the admin and live pages built in).
        .target(
            name: "KioskPages",
            dependencies: [
                "PledgeKit", "Certificates", "HubCore", .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .embedInCode("Templates/admin.mustache"), .embedInCode("Templates/live.mustache"),
                .embedInCode("Templates/live.js"), .embedInCode("Templates/erase.mustache"),
                .embedInCode("Templates/awaited.mustache"), .embedInCode("Templates/pledge.mustache"),
                .embedInCode("Templates/presence.mustache"), .embedInCode("Templates/problem.mustache"),
                // The tablet kiosk mode's last screen, its setup page and its script (issue 16).
                .embedInCode("Templates/tablet-done.mustache"), .embedInCode("Templates/tablet-setup.mustache"),
                .embedInCode("Templates/tablet.js"), .embedInCode("Templates/national.mustache"),
                .embedInCode("Templates/hub-organizer.mustache"),
            ],
            swiftSettings: strictSettings
        ),

        // Server hardening: request deadlines, pipelining back-pressure, the open files limit, heap
        // trimming, and the Host and method checks; no route, no wire format.
        .target(
            name: "ServerHardening",
            dependencies: [
                "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // The service's HTTP answers: problem details (RFC 9457) and their middleware, the request
        // context, page and image headers, the token-bucket rate limiter; no route.
        .target(
            name: "KioskHTTP",
            dependencies: [
                // PledgeExport: the organizer routes' export downloads (OrganizerQuery), at the event and the hub.
                "PledgeKit", "KioskAPI", "KioskPages", "ServerHardening", "PledgeExport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Certificate routes over any PledgeLookup (the kiosk's store, the hub's): the page, its QR
        // images, the documents, `/v`, the page and document caches, the code-guessing limit.
        .target(
            name: "CertificateWeb",
            dependencies: [
                "PledgeKit", "KioskAPI", "QRCode", "Certificates", "KioskPages", "KioskHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),

        // The live counter: totals pushed to `/live` over Server-Sent Events, and its shutdown.
        .target(
            name: "LiveWeb",
            dependencies: [
                "PledgeKit", "KioskAPI", "KioskPages", "KioskHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // The web pledge flow for phones and tablets (issue 16), and the presence page that opens it.
        .target(
            name: "PledgeWeb",
            dependencies: [
                "PledgeKit", "KioskAPI", "KioskPages", "KioskHTTP", "QRCode", "Certificates",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),

        // Exports: CSV (RFC 4180), JSON Lines and XLSX, written to a file with a SHA-256 manifest.
        .target(
            name: "PledgeExport",
            dependencies: ["PledgeKit", "CXlsxWriter", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // Service: the pledge, organizer, erasure, health and resources routes, and the application.
        .target(
            name: "KioskService",
            dependencies: [
                "PledgeKit", "KioskAPI", "QRCode", "Certificates", "PledgeExport", "CMalloc", "KioskPages",
                "ServerHardening", "KioskHTTP", "CertificateWeb", "LiveWeb", "PledgeWeb",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // `/metrics`: swift-metrics' API, exposed in the Prometheus text format.
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The OpenAPI 3.1 document of the HTTP API, served at /openapi.json.
            resources: [.copy("openapi.json")],
            swiftSettings: strictSettings
        ),

        // The national hub's HTTP service: sync batches from events, national counts, every
        // event's certificates at the official domain (CertificateWeb's routes over HubRecords).
        .target(
            name: "HubService",
            dependencies: [
                "PledgeKit", "KioskAPI", "HubCore", "Certificates", "KioskPages", "ServerHardening", "KioskHTTP",
                "CertificateWeb", "PledgeWeb", "PledgeExport", "LiveWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Front: the kiosk flow (pure state machine) and terminal I/O.
        .target(
            name: "KioskFront",
            dependencies: ["PledgeKit", "KioskConfiguration", "QRCode"],
            swiftSettings: strictSettings
        ),

        // Front over the LAN: the HTTP client of the service and the outbox logic (no SQL).
        .target(
            name: "KioskClient",
            dependencies: ["PledgeKit", "KioskAPI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // The event service's relay to the national hub: uploads the store's hub outbox in batches
        // and applies the hub's acknowledgements (over URLSession).
        .target(
            name: "HubRelay",
            dependencies: [
                "PledgeKit", "KioskAPI", "PledgeStore", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Command line: argument parsing and wiring only.
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "PledgeKit", "KioskConfiguration", "KioskAPI", "PledgeStore", "KioskService", "KioskFront",
                "KioskClient", "QRCode", "Certificates", "PledgeExport", "KioskPages", "ServerHardening",
                // ErasureCopies (the signer's erasure routes and what they did to the backups).
                "CertificateWeb",
                // `kiosk run`: the welcome screen shows the presence page's link (PresenceRoutes).
                "PledgeWeb",
                // `kiosk hub`: the national hub's service and its store; its live counter.
                "HubCore", "HubService", "HubStore", "HubRelay", "LiveWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // Benchmarks (`make bench`, `make bench-certificates`): the in-process side of each case.
        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "Certificates", "PledgeKit", "KioskConfiguration", "PledgeStore", "KioskService", "QRCode",
                "CQRencode", "KioskPages", "ServerHardening",
                // The hub's ingest (`kiosk-bench hub-ingest`): events registered in its store, sync batches.
                "HubCore", "HubStore", "KioskAPI",
                // The relay's back-off, which the senders of `kiosk-bench hub-exact` (H4) keep.
                "HubRelay",
                // SplitMix64, the seeded generator the tests use too.
                "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // The live counter's many SSE viewers (`kiosk-bench live`).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/kiosk-bench",
            swiftSettings: strictSettings
        ),

        // Shared test helpers: QR decoders (zbarimg, zxing-cpp), terminal screen -> image, processes.
        .target(
            name: "KioskTestSupport",
            // PledgeExport: the CSV export's formula guard, taken off to compare with a spreadsheet.
            dependencies: ["QRCode", "PledgeExport"],
            path: "Tests/KioskTestSupport",
            swiftSettings: strictSettings
        ),

        // The real hub for tests (its store on TestPostgres, its router): the hub's tests and the relay's.
        .target(
            name: "HubTestSupport",
            dependencies: [
                "HubService", "HubStore", "HubCore", "KioskHTTP", "KioskPages", "KioskConfiguration", "Certificates",
                "PledgeKit", "KioskTestSupport", "LiveWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HubTestSupport",
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode", "KioskTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PledgeKitTests",
            dependencies: ["PledgeKit", "KioskTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskConfigurationTests",
            dependencies: ["KioskConfiguration", "PledgeKit", "KioskTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskAPITests",
            dependencies: ["KioskAPI", "PledgeKit", "KioskTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PledgeStoreTests",
            dependencies: [
                "PledgeStore", "PledgeKit", "KioskTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskServiceTests",
            dependencies: [
                "KioskService", "KioskAPI", "KioskClient", "PledgeStore", "PledgeKit", "KioskConfiguration",
                "QRCode", "KioskPages", "ServerHardening", "KioskHTTP", "CertificateWeb", "LiveWeb", "PledgeWeb",
                "PledgeExport", "KioskTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                // Status, header and body tests through the router, without a socket.
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CertificatesTests",
            dependencies: ["Certificates", "PledgeKit", "KioskConfiguration", "QRCode", "KioskTestSupport"],
            swiftSettings: strictSettings
        ),
        // The certificate routes over a store that is not SQLite, and their caches.
        .testTarget(
            name: "CertificateWebTests",
            dependencies: [
                "CertificateWeb", "Certificates", "KioskHTTP", "KioskPages", "KioskConfiguration", "PledgeKit",
                "QRCode", "KioskTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PledgeExportTests",
            dependencies: [
                "PledgeExport", "PledgeStore", "PledgeKit", "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskFrontTests",
            dependencies: ["KioskFront", "PledgeKit", "KioskConfiguration", "QRCode", "KioskTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskClientTests",
            dependencies: [
                "KioskClient", "KioskAPI", "KioskService", "PledgeStore", "PledgeKit", "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HubRelayTests",
            dependencies: [
                "HubRelay", "PledgeStore", "PledgeKit", "KioskAPI", "KioskTestSupport", "HubTestSupport", "HubStore",
                "HubCore", "KioskHTTP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HubStoreTests",
            dependencies: [
                "HubStore", "HubCore", "KioskAPI", "PledgeKit", "KioskTestSupport",
                .product(name: "Logging", package: "swift-log"),
                // A test reads a pooled connection's settings through the store's own call.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // A listener that stands in for a server that stops (DeadlineTests).
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The hub's HTTP service through its router, over a real PostgreSQL (TestPostgres).
        .testTarget(
            name: "HubServiceTests",
            dependencies: [
                "HubService", "HubStore", "HubCore", "KioskAPI", "KioskHTTP", "KioskPages", "KioskConfiguration",
                "Certificates", "PledgeKit", "KioskTestSupport", "HubTestSupport", "PledgeStore", "PledgeWeb",
                "PledgeExport", "LiveWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KioskEndToEndTests",
            dependencies: [
                "PledgeStore", "PledgeKit", "KioskConfiguration", "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
