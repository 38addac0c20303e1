import CertificateWeb
import Foundation
import Testing

@Suite("Document cache")
struct DocumentCacheTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func increment() { lock.withLock { value += 1 } }
    }

    @Test func concurrentRequestsRenderOnceAndTheSizeIsBounded() async throws {
        let cache = DocumentCache(capacity: 1000)
        let renders = Counter()
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.document(for: "a") {
                        renders.increment()
                        Thread.sleep(forTimeInterval: 0.05)
                        return [UInt8](repeating: 1, count: 400)
                    }.etag
                }
            }
            var etags = Set<String>()
            for try await etag in group { etags.insert(etag) }
            #expect(etags.count == 1)
        }
        #expect(renders.value == 1)
        _ = try await cache.document(for: "b") { [UInt8](repeating: 2, count: 400) }
        _ = try await cache.document(for: "a") { [UInt8](repeating: 1, count: 400) }
        _ = try await cache.document(for: "c") { [UInt8](repeating: 3, count: 400) }
        let size = cache.size
        #expect(size.bytes <= 1000)
        #expect(size.count == 2)
        let statistics = cache.statistics
        #expect(statistics.evictions == 1)
        #expect(statistics.renders == 3)
    }

    @Test("Many hits on one document keep the order of use: the others are evicted first")
    func manyHitsKeepTheOrderOfUse() async throws {
        let cache = DocumentCache(capacity: 1000)
        for key in ["a", "b", "c"] { _ = try await cache.document(for: key) { [UInt8](repeating: 1, count: 300) } }
        // Enough uses of "a" to drop the skipped places of the queue of uses more than once.
        for _ in 0..<500 { _ = try await cache.document(for: "a") { [] } }
        _ = try await cache.document(for: "c") { [] }
        // 1200 bytes: "b" goes (least recently used), then "a" (used before "c"), down to 600.
        _ = try await cache.document(for: "d") { [UInt8](repeating: 2, count: 300) }
        #expect(cache.size.count == 2 && cache.size.bytes == 600)
        #expect(cache.statistics.evictions == 2)
        let renders = Counter()
        for key in ["c", "d"] {
            _ = try await cache.document(for: key) {
                renders.increment()
                return []
            }
        }
        #expect(renders.value == 0)
    }

    @Test("Eviction frees room in one pass, least recently used first, and keeps the document just made")
    func evictionKeepsTheNewDocument() async throws {
        let cache = DocumentCache(capacity: 1000)
        for key in ["a", "b", "c"] { _ = try await cache.document(for: key) { [UInt8](repeating: 1, count: 300) } }
        _ = try await cache.document(for: "a") { [] }
        // 1850 bytes: "b" and "c" (least recently used) go, then "a"; "d" stays although alone
        // it is over the 7/8 the pass aims at.
        _ = try await cache.document(for: "d") { [UInt8](repeating: 2, count: 950) }
        let size = cache.size
        #expect(size.count == 1 && size.bytes == 950)
        #expect(cache.statistics.evictions == 3)
        let renders = Counter()
        _ = try await cache.document(for: "d") {
            renders.increment()
            return []
        }
        #expect(renders.value == 0)
    }

    @Test("removeDocuments(withPrefix:) drops exactly the keys of one code and frees their bytes")
    func removeByPrefix() async throws {
        let cache = DocumentCache(capacity: 10_000)
        for key in ["AAAA/page/1", "AAAA/qr.png", "AAAB/page/1", "AAAA.png"] {
            _ = try await cache.document(for: key) { [UInt8](repeating: 1, count: 100) }
        }
        #expect(cache.removeDocuments(withPrefix: "AAAA/") == 2)
        let size = cache.size
        #expect(size.count == 2 && size.bytes == 200)
        let renders = Counter()
        _ = try await cache.document(for: "AAAB/page/1") {
            renders.increment()
            return []
        }
        _ = try await cache.document(for: "AAAA/qr.png") {
            renders.increment()
            return [2]
        }
        #expect(renders.value == 1, "the kept key is still a hit, the removed one renders again")
    }
}
