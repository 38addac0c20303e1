import Foundation
import KioskPages
import PledgeKit
import Testing

/// The organizer page's hub section: linked or not, backlog, held rows with the hub's reasons,
/// last contact and last error, every text through the page's escaper.
@Suite("The organizer page shows the link to the national hub")
struct HubAdminPageTests {
    static let empty = Breakdown(dimensions: [.hour], total: 0, buckets: [])

    func page(_ hub: HubLinkStatus?) -> String {
        AdminPage(breakdowns: [], hours: Self.empty, kiosks: [], eventName: "Sự kiện", hub: hub).html
    }

    @Test func aLinkedEventShowsBacklogHeldRowsAndTheLastError() {
        let status = HubLinkStatus(
            linked: true, backlog: 1234,
            held: [.init(sequence: 17, kind: "pledge", number: 9, reason: "name: <b>too long</b>")],
            acknowledged: 16, certificateBaseURL: "https://khongmotminh.vn",
            lastContact: Date(timeIntervalSince1970: 1_760_000_000), lastError: "HTTP 503 unavailable",
            lastErrorAt: Date(timeIntervalSince1970: 1_760_000_100), attempts: 3)
        var counted = status
        counted.heldCount = 1208
        let html = page(counted)
        #expect(html.contains("Trung tâm quốc gia"))
        // Only the first rows are listed: how many there are in all is said (a trial's finding).
        #expect(html.contains("được giữ lại: 1.208"))
        #expect(html.contains(#"<td class="n">1.234</td>"#))
        #expect(html.contains("https://khongmotminh.vn"))
        #expect(html.contains("HTTP 503 unavailable"))
        #expect(html.contains(#"<td class="n">17</td><td>pledge</td><td class="n">9</td>"#))
        #expect(html.contains("name: &lt;b&gt;too long&lt;/b&gt;") && !html.contains("<b>too long"))
        #expect(!html.contains("Chưa liên kết"))
    }

    @Test func anEventWithoutHubSaysSoAndAPageWithoutStatusHasNoSection() {
        #expect(page(HubLinkStatus(linked: false)).contains("Chưa liên kết"))
        #expect(page(HubLinkStatus(linked: true)).contains("chưa bao giờ"))
        #expect(!page(nil).contains("Trung tâm quốc gia"))
    }
}

/// Organizers' tables name the channels in words, Vietnamese first (the trial user read the raw
/// values `kiosk` and `phone` on the hub's organizer page).
@Suite("Organizers' tables by channel name the channels in words")
struct ChannelLabelTests {
    @Test func channelsInVietnameseThenEnglish() {
        let byChannel = Breakdown(
            dimensions: [.channel], total: 12,
            buckets: [.init(values: ["kiosk"], count: 7), .init(values: ["phone"], count: 5)])
        let html = AdminPage(
            breakdowns: [byChannel], hours: HubAdminPageTests.empty, kiosks: [], eventName: "Sự kiện", hub: nil
        ).html
        #expect(html.contains("Tại kiosk"))
        #expect(html.contains("Trên điện thoại"))
        #expect(html.contains("on a phone"))
    }
}
