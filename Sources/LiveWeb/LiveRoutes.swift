import Foundation
import HTTPTypes
import Hummingbird
import KioskHTTP
import KioskPages
import NIOCore
import PledgeKit
import ServiceLifecycle

/// `GET /live`: the full-screen counter for the projector; `GET /live/events`: its W3C
/// Server-Sent Events stream (`text/event-stream`), pushed when pledges commit, never polled;
/// `GET /live/live.js`: the few lines that connect the page to the stream (EventSource).
///
/// With the web pledge flow, the page also shows the flow's QR with the presence code of the
/// moment in a corner (issue 16), which its script renews when the code changes.
public struct LiveRoutes: Sendable {
    let live: LiveCounter
    let configuration: EventConfiguration
    let presence: (@Sendable () async -> String?)?
    let heading: String?

    /// - Parameter configuration: its event name heads the page.
    /// - Parameter presence: gives the web flow's link with the presence code of the moment (the
    ///   presence page's own); nil: no QR on the page.
    /// - Parameter heading: heads the page instead of the event's name (the hub's
    ///   ``nationalHeading``).
    public init(
        live: LiveCounter, configuration: EventConfiguration, presence: (@Sendable () async -> String?)? = nil,
        heading: String? = nil
    ) {
        self.live = live
        self.configuration = configuration
        self.presence = presence
        self.heading = heading
    }

    /// The hub's heading: the whole country, Vietnamese first.
    public static let nationalHeading = "Toàn quốc · Nationwide"

    public func add(to router: Router<KioskRequestContext>) {
        router.get("/live") { _, _ in
            let snapshot = try await snapshot()
            let link = await presence?()
            return htmlResponse(
                LivePage.html(
                    total: snapshot.total, events: snapshot.events, eventName: heading ?? configuration.name,
                    presenceLink: link, places: snapshot.provinces?.map { ($0.province, $0.count) }),
                cacheControl: "no-store", scripts: true)
        }
        router.get("/live/live.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            headers[.xContentTypeOptions] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LivePage.script)))
        }
        router.get("/live/events") { _, _ in
            // Read before answering, so a database failure is a problem detail, not an empty stream
            // (no frame of its own: a viewer's task keeps the memory of its deepest frames).
            let live = live
            do throws(PledgeError) { _ = try await live.current() } catch { throw ProblemDetails(error) }
            return Response(
                status: .ok, headers: Self.streamHeaders,
                body: ResponseBody { writer in
                    let (id, stream) = await live.join()
                    do {
                        try await writer.write(Self.retry)
                        for await message in stream { try await writer.write(message) }
                    } catch {
                        // The viewer went away; fall through to clean up.
                    }
                    await live.leave(id)
                    try? await writer.finish(nil)
                })
        }
    }

    /// The stream's header fields: never cached, and not buffered by nginx (`X-Accel-Buffering`).
    static let streamHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.init("X-Accel-Buffering")!] = "no"
        return headers
    }()

    /// Tells EventSource to reconnect 2 s after the stream ends.
    static let retry = ByteBuffer(string: "retry: 2000\n\n")

    func snapshot() async throws -> LiveSnapshot {
        do { return try await live.current() } catch { throw ProblemDetails(error) }
    }
}
