import Hummingbird
import NIOCore

/// The request context of the kiosk service.
public struct KioskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    /// The client's IP address without its port ("" when the channel has none, as in tests).
    public let clientAddress: String

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// A pledge body is a few hundred bytes; anything past 16 KiB is refused with 413 before it is
    /// read further, so an oversized body cannot hold memory.
    public var maxUploadSize: Int { 16 * 1024 }
}
