import Certificates
import DequeModule
import Synchronization

/// Rendered pages, QR images and documents kept in memory, bounded by their total size, least recently used evicted
/// first. Concurrent requests for the same key wait for one render instead of starting another.
public final class DocumentCache: Sendable {
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

    /// A key as its UTF-8 bytes: hashed and compared byte by byte. A String key holding a name
    /// (non-ASCII) was normalized on every hash, and a dictionary rehashes its neighbours on every
    /// removal (1% of a first view at the hub: BENCHMARKS.md, H2). Keys are made by this
    /// process from stored values, so equal pages have equal bytes.
    struct Key: Hashable, Sendable {
        let text: String
        /// The bytes' hash, computed once outside the lock: a removal rehashes the entries that
        /// follow it in the table, and hashing the bytes each time kept the lock held long enough
        /// for first views to queue on it (BENCHMARKS.md, H2).
        let hash: Int

        init(_ text: String) {
            var text = text
            text.makeContiguousUTF8()
            self.text = text
            var hasher = Hasher()
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            self.hash = hasher.finalize()
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }

        static func == (a: Key, b: Key) -> Bool {
            guard a.hash == b.hash else { return false }
            var (x, y) = (a.text, b.text)
            return x.withUTF8 { x in y.withUTF8 { y in x.elementsEqual(y) } }
        }
    }

    struct State {
        var entries: [Key: (document: Document, lastUse: UInt64)] = [:]
        /// Every use of a key (store or hit) with its tick, oldest first: the least recently used
        /// entry is the first whose tick is still its `lastUse` (older places of a key used again,
        /// and places of keys removed, are skipped when met).
        var uses: Deque<(key: Key, tick: UInt64)> = []
        var inFlight: [Key: Task<Document, any Error>] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var statistics = Statistics()

        /// Marks `key`'s entry used now.
        mutating func use(_ key: Key) {
            tick += 1
            entries[key]?.lastUse = tick
            uses.append((key, tick))
            // Skipped places are dropped once they are most of the queue (each key's newest stays).
            if uses.count > 2 * entries.count + 64 {
                uses = Deque(entries.map { ($0.key, $0.value.lastUse) }.sorted { $0.1 < $1.1 })
            }
        }
    }

    public let capacity: Int
    // A lock, not an actor: a hit is a dictionary lookup, and hopping to an actor's executor
    // and back cost more than the rest of serving a warm page.
    private let state = Mutex(State())

    /// - Parameter capacity: the most bytes kept, 64 MiB by default (a PNG is ~100–250 KB).
    public init(capacity: Int = 64 << 20) {
        self.capacity = capacity
    }

    /// The cached document for the key `text`, rendered with `render` when absent: off the caller's
    /// executor, once for every caller that asks meanwhile; or, `inline`, in the caller's task (a
    /// page of a few microseconds: the hop to another thread and back cost more than the page, and
    /// two callers asking at once for the same absent page both render it).
    public func document(
        for text: String, inline: Bool = false, render: @escaping @Sendable () throws -> [UInt8]
    ) async throws -> Document {
        let key = Key(text)
        enum Lookup {
            case hit(Document)
            case wait(Task<Document, any Error>)
            case render(Task<Document, any Error>)
            case renderHere
        }
        let lookup = state.withLock { state -> Lookup in
            if let entry = state.entries[key] {
                state.use(key)
                state.statistics.hits += 1
                return .hit(entry.document)
            }
            if let task = state.inFlight[key] {
                state.statistics.hits += 1
                return .wait(task)
            }
            state.statistics.renders += 1
            if inline { return .renderHere }
            let task = Task.detached(priority: .userInitiated) { () throws -> Document in
                Self.document(try render())
            }
            state.inFlight[key] = task
            return .render(task)
        }
        switch lookup {
        case .hit(let document):
            return document
        case .renderHere:
            let document = Self.document(try render())
            state.withLock { store(document, for: key, in: &$0) }
            return document
        case .wait(let task):
            return try await task.value
        case .render(let task):
            do {
                let document = try await task.value
                state.withLock { state in
                    state.inFlight[key] = nil
                    store(document, for: key, in: &state)
                }
                return document
            } catch {
                state.withLock { _ = $0.inFlight.removeValue(forKey: key) }
                throw error
            }
        }
    }

    /// `bytes` with their strong ETag: their fingerprint and length.
    static func document(_ bytes: [UInt8]) -> Document {
        Document(bytes: bytes, etag: "\"\(Digest.hex(bytes))-\(String(bytes.count, radix: 16))\"")
    }

    private func store(_ document: Document, for key: Key, in state: inout State) {
        guard document.bytes.count <= capacity else { return }
        if let old = state.entries.updateValue((document, 0), forKey: key) {
            state.bytes -= old.document.bytes.count
        }
        state.use(key)
        state.bytes += document.bytes.count
        guard state.bytes > capacity else { return }
        // Down to 7/8 of the capacity in one pass, least recently used first, from the queue of
        // uses (sorting every entry per pass was 2 % of a first view at the hub: BENCHMARKS.md, H2).
        let target = capacity - capacity / 8
        while state.bytes > target, let use = state.uses.popFirst() {
            guard let entry = state.entries[use.key], entry.lastUse == use.tick else { continue }
            guard use.key != key else {
                // Only the new document is left: it stays, over the target or not.
                state.uses.append(use)
                break
            }
            state.entries[use.key] = nil
            state.bytes -= entry.document.bytes.count
            state.statistics.evictions += 1
        }
    }

    /// Drops every document whose key starts with `prefix` (e.g. `CODE/` after that signer's name was
    /// erased, so no copy of it stays in memory) and returns how many there were.
    @discardableResult
    public func removeDocuments(withPrefix prefix: String) -> Int {
        state.withLock { state in
            let keys = state.entries.keys.filter { $0.text.hasPrefix(prefix) }
            for key in keys {
                if let entry = state.entries.removeValue(forKey: key) { state.bytes -= entry.document.bytes.count }
            }
            return keys.count
        }
    }

    /// The number of documents and bytes held.
    public var size: (count: Int, bytes: Int) { state.withLock { ($0.entries.count, $0.bytes) } }

    /// Hits, renders and evictions so far.
    public var statistics: Statistics { state.withLock { $0.statistics } }
}
