import Foundation

/// Runs blocking work (a socket read, a child process starting) on its own thread, so it never
/// holds one of the few threads of Swift's cooperative pool (two on a 2-core machine) that the
/// in-process service and other tests need.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
