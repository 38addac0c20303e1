import KioskPages
import PledgeKit
import Testing

/// The hub's national page when every pledge is still in `other` (groups under 5, each kiosk's
/// newest withheld): it never says "no pledges yet" beside a total that has some (a trial's finding).
@Suite("The national page's charts with pledges not drawn yet")
struct NationalPageTests {
    @Test func pledgesNotDrawnYetAreNotCalledNone() {
        let byDay = Breakdown(
            dimensions: [.day], total: 13, buckets: [.init(values: [Breakdown.other], count: 13)],
            minimumGroupSize: 5)
        let byProvince = Breakdown(
            dimensions: [.province], total: 13, buckets: [.init(values: [Breakdown.other], count: 13)],
            minimumGroupSize: 5)
        let html = NationalPage(total: 13, byDay: byDay, byProvince: byProvince).html
        #expect(html.contains(#"<p class="total">13</p>"#))
        #expect(!html.contains("No pledges yet"))
        #expect(html.contains("Pledges not drawn by day: 13"))
        let none = NationalPage(
            total: 0, byDay: Breakdown(dimensions: [.day], total: 0, buckets: []),
            byProvince: Breakdown(dimensions: [.province], total: 0, buckets: [])
        ).html
        #expect(none.contains("Chưa có lời cam kết nào. · <span lang=\"en\">No pledges yet.</span>"))
    }
}
