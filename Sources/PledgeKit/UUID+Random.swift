import Foundation

extension UUID {
    /// A version 4 (random) UUID (RFC 9562, 5.4) from the system's secure generator,
    /// `getrandom(2)` on Linux, which needs no file descriptor. Foundation's `UUID()` on Linux
    /// reads `/dev/urandom`; when the process has run out of descriptors (EMFILE, under a flood
    /// of connections) that read fails and every `UUID()` is `00000000-0000-4000-8000-000000000000`,
    /// so two pledges would share an id.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        return UUID.random(using: &generator)
    }
}
