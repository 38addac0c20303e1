import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PledgeKit
import ServiceLifecycle

/// `GET /live`: the full-screen counter for the projector; `GET /live/events`: its W3C
/// Server-Sent Events stream (`text/event-stream`), pushed when pledges commit, never polled;
/// `GET /live/live.js`: the few lines that connect the page to the stream (EventSource).
struct LiveRoutes: Sendable {
    let live: LiveCounter
    let configuration: EventConfiguration

    func add(to router: Router<KioskRequestContext>) {
        router.get("/live") { _, _ in
            let snapshot = try await snapshot()
            return htmlResponse(
                LivePage.html(snapshot, eventName: configuration.name), cacheControl: "no-store",
                scripts: true)
        }
        router.get("/live/live.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            headers[.xContentTypeOptions] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LivePage.script)))
        }
        router.get("/live/events") { _, _ in
            // Read before answering, so a database failure is a problem detail, not an empty stream.
            _ = try await snapshot()
            let live = live
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            headers[.init("X-Accel-Buffering")!] = "no"
            return Response(
                status: .ok, headers: headers,
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

    /// Tells EventSource to reconnect 2 s after the stream ends.
    static let retry = ByteBuffer(string: "retry: 2000\n\n")

    func snapshot() async throws -> LiveSnapshot {
        do { return try await live.current() } catch { throw ProblemDetails(error) }
    }
}

/// The live page: large digits, one line per event, Vietnamese first.
enum LivePage {
    static func html(_ snapshot: LiveSnapshot, eventName: String) -> String {
        // A line per event only when there are several: one would just repeat the total.
        let lines =
            snapshot.events.count < 2
            ? ""
            : snapshot.events.map {
                "<li><span class=\"n\">\(VietnameseText.number($0.count))</span> \(HTML.escape($0.eventID))</li>"
            }.joined()
        return """
            <!doctype html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Không một mình – số người cam kết</title>
            <style>
              html, body { margin: 0; height: 100%; background: #0b4f6c; color: #fff; font-family: "Noto Sans", "Be Vietnam Pro", system-ui, sans-serif; }
              main { height: 100%; display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; }
              h1 { font-size: 5vw; margin: 0; }
              .en { opacity: .75; font-size: 2.2vw; margin: 0 0 2vh; }
              #total { font-size: 22vw; font-weight: 800; line-height: 1; font-variant-numeric: tabular-nums; }
              .label { font-size: 3vw; }
              ul { list-style: none; padding: 0; font-size: 2.4vw; margin-top: 3vh; }
              .n { font-weight: 700; font-variant-numeric: tabular-nums; }
            </style>
            <script src="/live/live.js" defer></script>
            </head>
            <body>
            <main>
              <h1>Không một mình</h1>
              <p class="en" lang="en">Not Alone</p>
              <div id="total">\(VietnameseText.number(snapshot.total))</div>
              <p class="label">người đã cam kết · <span lang="en">people have pledged</span></p>
              <p class="label">\(HTML.escape(eventName))</p>
              <ul id="events">\(lines)</ul>
            </main>
            </body>
            </html>
            """
    }

    /// EventSource reconnects by itself (the `retry` field); numbers use "." between thousands.
    static let script = """
        "use strict";
        (function () {
          function vn(n) { return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, "."); }
          var source = new EventSource("/live/events");
          source.addEventListener("count", function (message) {
            var data = JSON.parse(message.data);
            document.getElementById("total").textContent = vn(data.total);
            var list = document.getElementById("events");
            list.textContent = "";
            if (data.events.length < 2) { return; }
            data.events.forEach(function (event) {
              var item = document.createElement("li");
              var number = document.createElement("span");
              number.className = "n";
              number.textContent = vn(event.count);
              item.appendChild(number);
              item.appendChild(document.createTextNode(" " + event.eventID));
              list.appendChild(item);
            });
          });
        })();

        """
}

/// HTML escaping for pages built in Swift (the five characters of the HTML spec's escaping).
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
