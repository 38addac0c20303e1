import Hummingbird
import NIOCore
import ServerHardening

/// The request context of the kiosk service, and of any service that adds its routes (the
/// certificate routes, the live counter): the client address, its connection and the upload
/// limit, nothing else.
public struct KioskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    /// The client's IP address without its port ("" when the channel has none, as in tests); behind
    /// a trusted proxy, the address it forwarded (``ForwardedClientMiddleware``). Rate limits key by
    /// its ``limitKey``.
    public internal(set) var clientAddress: String
    /// What per-address limits count by: the client's IPv4 address, or its IPv6 address's /64
    /// network (``ForwardedClientMiddleware/limitKey(_:)``).
    public var limitKey: String { ForwardedClientMiddleware.limitKey(clientAddress) }
    /// The request's connection.
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.clientAddress = ForwardedClientMiddleware.unmapped(source.channel.remoteAddress?.ipAddress ?? "")
        self.channel = source.channel
    }

    /// Tells when the client's connection closes (``ConnectionClosure``); nil when it cannot be
    /// told (Hummingbird's router test transport has no socket).
    public var connection: ConnectionClosure? { ConnectionClosure.of(channel) }

    /// A pledge body is a few hundred bytes; anything past 16 KiB is refused with 413 before it is
    /// read further, so an oversized body cannot hold memory.
    public var maxUploadSize: Int { 16 * 1024 }
}

extension Request {
    /// The whole body, at most `limit` bytes. A body that declares a larger `Content-Length` is
    /// refused with 413 at once (RFC 9110, 15.5.14), without waiting for bytes that would be
    /// refused anyway; one that grows past the limit is refused when it does.
    public func collectBody(upTo limit: Int) async throws -> ByteBuffer {
        if let declared = headers[.contentLength].flatMap(Int.init), declared > limit {
            throw ProblemDetails.bodyTooLarge
        }
        return try await body.collect(upTo: limit)
    }
}
