import CMalloc
import Logging
import ServiceLifecycle

/// Gives memory that the service has freed back to the system after a burst.
///
/// glibc's allocator keeps freed memory for reuse: after 400 connections had each held a
/// certificate image and closed, the service stayed 95 MB larger (its freed chunks lay between
/// ones still in use, so the heap could not shrink from its top). Every `interval` this looks at
/// the bytes free inside the allocator (`mallinfo2().fordblks`) and, when they have grown by
/// `threshold` since the last look that found them lower (or since the last trim), calls
/// `malloc_trim(0)`, which returns the free pages (`madvise(MADV_DONTNEED)`). A quiet or steady
/// service is not trimmed; one look costs a walk of the allocator's free lists.
public struct HeapTrimmer: Service {
    var interval: Duration = .seconds(5)
    /// Growth of free bytes worth a trim (bytes).
    var threshold = 16 << 20
    let logger: Logger

    /// A look every 5 s; a trim once 16 MiB more are free.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// When to trim, from successive counts of free bytes; apart from the allocator, so it can
    /// be tested with made-up counts.
    struct Mark {
        let threshold: Int
        /// Free bytes at the last trim, or the fewest seen since.
        private(set) var low: Int

        init(threshold: Int, free: Int) {
            self.threshold = threshold
            self.low = free
        }

        /// Whether `free` (bytes) is worth a trim; once trimmed, the growth counts from `free`.
        mutating func shouldTrim(free: Int) -> Bool {
            guard free - low >= threshold else {
                low = min(low, free)
                return false
            }
            low = free
            return true
        }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { [interval, threshold, logger] in
            var mark = Mark(threshold: threshold, free: Self.freeBytes())
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let free = Self.freeBytes()
                guard mark.shouldTrim(free: free) else { continue }
                malloc_trim(0)
                logger.debug("freed memory returned to the system", metadata: ["free.bytes": "\(free)"])
            }
        }
    }

    /// Bytes free inside the allocator's arenas (freed, not yet reused or returned).
    static func freeBytes() -> Int {
        Int(mallinfo2().fordblks)
    }
}
