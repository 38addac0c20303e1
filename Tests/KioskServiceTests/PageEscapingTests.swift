import Foundation
import KioskPages
import PledgeKit
import Testing

/// The pages built in to the service (organizers, live counter) go through Mustache and the one
/// escaper every page uses, which escapes scalar by scalar: a `<` or `"` carrying a combining mark
/// (one grapheme) is escaped too. The second escaper these pages had compared whole characters
/// and let `<\u{301}` through.
@Suite("Page escaping")
struct PageEscapingTests {
    static let marked = "<\u{301}b>\"\u{301}&'"
    static let escaped = "&lt;\u{301}b&gt;&quot;\u{301}&amp;&#39;"

    @Test func livePageEscapesTheEventNameScalarByScalar() {
        let html = LivePage.html(total: 1_234, events: [], eventName: Self.marked)
        #expect(html.contains(#"<p class="label">\#(Self.escaped)</p>"#))
        #expect(!html.contains("<\u{301}b"))
        #expect(html.contains(#"<div id="total">1.234</div>"#))
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"vi\">"))
    }

    @Test func livePageListsEventsOnlyWhenThereAreSeveral() {
        let one = LivePage.html(total: 5, events: [EventTotal(eventID: "a", count: 5)], eventName: "Lễ")
        #expect(one.contains(#"<ul id="events"></ul>"#))
        let two = LivePage.html(
            total: 1_005, events: [EventTotal(eventID: "a", count: 1_000), EventTotal(eventID: "b", count: 5)],
            eventName: "Lễ")
        #expect(
            two.contains(
                #"<ul id="events"><li><span class="n">1.000</span> a</li><li><span class="n">5</span> b</li></ul>"#))
    }

    @Test func adminPageEscapesTheEventNameAndBucketValuesScalarByScalar() {
        let hours = Breakdown(dimensions: [.hour], total: 0, buckets: [])
        let provinces = Breakdown(
            dimensions: [.province], total: 2, buckets: [.init(values: [Self.marked], count: 2)])
        let html = AdminPage(breakdowns: [provinces], hours: hours, kiosks: [], eventName: Self.marked).html
        #expect(html.contains("<p>\(Self.escaped)</p>"))
        #expect(html.contains(#"<tr><td>\#(Self.escaped)</td><td class="n">2</td></tr>"#))
        #expect(!html.contains("<\u{301}b"))
        #expect(html.contains(#"<p>Chưa có lời cam kết nào. · <span lang="en">No pledges yet.</span></p>"#))
    }

    @Test func liveScriptIsTheFileCompiledIn() {
        #expect(LivePage.script.hasPrefix("\"use strict\";\n"))
        #expect(LivePage.script.contains(#"replace(/\B(?=(\d{3})+(?!\d))/g, ".")"#))
        #expect(LivePage.script.hasSuffix("})();\n"))
    }
}
