/// `condition` never held within the limit.
public struct WaitedInVain: Error, CustomStringConvertible {
    public let description: String
}

/// Waits until `condition` holds (the signal a test waits for, such as a notification's arrival),
/// checking it every 10 ms.
/// - Throws: ``WaitedInVain`` after `limit` (generous: the parallel test run loads two cores), or
///   what `condition` throws.
public func waitUntil(
    _ what: String = "the condition", limit: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    let end = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < end else { throw WaitedInVain(description: "waited \(limit) in vain for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}
