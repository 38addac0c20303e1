import Foundation

/// Paths inside this repository, found from this file's location so tests run from any folder.
public enum RepositoryPaths {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The default event configuration, `Kiosk/event.yaml`.
    public static let defaultConfiguration = root.appendingPathComponent("Kiosk/event.yaml")

    /// The `kiosk` executable: `$KIOSK_BINARY` (set by `make test`), else the debug build.
    public static var kioskBinary: String {
        ProcessInfo.processInfo.environment["KIOSK_BINARY"] ?? root.appendingPathComponent(".build/debug/kiosk").path
    }
}
