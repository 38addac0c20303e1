import Hummingbird

/// The request context of the kiosk service.
public struct KioskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// A pledge body is a few hundred bytes; anything past 16 KiB is refused with 413 before it is
    /// read further, so an oversized body cannot hold memory.
    public var maxUploadSize: Int { 16 * 1024 }
}
