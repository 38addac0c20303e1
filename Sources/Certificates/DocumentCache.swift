/// Rendered documents kept in memory, bounded by their total size, least recently used evicted
/// first. Concurrent requests for the same key wait for one render instead of starting another.
public actor DocumentCache {
    /// A rendered document and its strong ETag (a fingerprint of the bytes, quoted).
    public struct Document: Sendable {
        public let bytes: [UInt8]
        public let etag: String
    }

    /// Counters, for the benchmark and tests.
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var renders = 0
        public var evictions = 0
    }

    public let capacity: Int
    private var entries: [String: (document: Document, lastUse: UInt64)] = [:]
    private var inFlight: [String: Task<Document, any Error>] = [:]
    private var bytes = 0
    private var tick: UInt64 = 0
    public private(set) var statistics = Statistics()

    /// - Parameter capacity: the most bytes kept, 64 MiB by default (a PNG is ~100–250 KB).
    public init(capacity: Int = 64 << 20) {
        self.capacity = capacity
    }

    /// The cached document for `key`, rendered with `render` (off the caller's executor) when
    /// absent.
    public func document(
        for key: String, render: @escaping @Sendable () throws -> [UInt8]
    ) async throws -> Document {
        tick += 1
        if let entry = entries[key] {
            entries[key]?.lastUse = tick
            statistics.hits += 1
            return entry.document
        }
        if let task = inFlight[key] {
            statistics.hits += 1
            return try await task.value
        }
        statistics.renders += 1
        let task = Task.detached(priority: .userInitiated) { () throws -> Document in
            let bytes = try render()
            return Document(bytes: bytes, etag: "\"\(Digest.hex(bytes))-\(String(bytes.count, radix: 16))\"")
        }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let document = try await task.value
        store(document, for: key)
        return document
    }

    private func store(_ document: Document, for key: String) {
        guard document.bytes.count <= capacity else { return }
        tick += 1
        entries[key] = (document, tick)
        bytes += document.bytes.count
        while bytes > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            bytes -= oldest.value.document.bytes.count
            statistics.evictions += 1
        }
    }

    /// Drops every document whose key starts with `prefix` (e.g. `CODE/` after that signer's name was
    /// erased, so no copy of it stays in memory) and returns how many there were.
    @discardableResult
    public func removeDocuments(withPrefix prefix: String) -> Int {
        let keys = entries.keys.filter { $0.hasPrefix(prefix) }
        for key in keys {
            if let entry = entries.removeValue(forKey: key) { bytes -= entry.document.bytes.count }
        }
        return keys.count
    }

    /// The number of documents and bytes held.
    public var size: (count: Int, bytes: Int) { (entries.count, bytes) }
}
