import Foundation
import Testing

@testable import PledgeKit

@Suite("Vietnamese order, dimensions and k-anonymous breakdowns")
struct OrganizerDomainTests {
    @Test func vietnameseAlphabetAndToneOrder() {
        let ordered = ["An", "Ân", "Bình", "Dũng", "Đạt", "Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Ơn", "Ưng", "Yến"]
        #expect(ordered.shuffled().sorted { VietnameseText.sortKey($0) < VietnameseText.sortKey($1) } == ordered)
        // Given name first, as class lists sort: "Trần Văn An" before "Lê Bình".
        #expect(VietnameseText.sortKey("Trần Văn An") < VietnameseText.sortKey("Lê Bình"))
        #expect(VietnameseText.sortKey("Nguye\u{0302}\u{0303}n An") == VietnameseText.sortKey("Nguyễn An"))
        #expect(VietnameseText.sortKey("NGUYỄN AN") == VietnameseText.sortKey("Nguyễn An"))
    }

    @Test func dimensionsParse() throws {
        #expect(try CountDimension.list("event, age-band,event,ageBand") == [.event, .ageBand])
        #expect(throws: PledgeError.self) { try CountDimension.list("event,shoe") }
    }

    @Test func anonymizedBreakdownsKeepTheTotalAndNoSmallGroup() {
        let buckets = [("a", 10), ("b", 3), ("c", 1), ("d", 6)].map { Breakdown.Bucket(values: [$0.0], count: $0.1) }
        let published = Breakdown(dimensions: [.province], total: 20, buckets: buckets).anonymized(minimumGroupSize: 5)
        #expect(published.addsUp)
        #expect(published.buckets.allSatisfy { $0.count >= 5 })
        #expect(published.buckets.last == Breakdown.Bucket(values: ["other"], count: 4 + 6))
        let lone = Breakdown(
            dimensions: [.kiosk], total: 12, buckets: [.init(values: ["k"], count: 11), .init(values: ["j"], count: 1)])
        #expect(lone.anonymized().buckets == [Breakdown.Bucket(values: ["other"], count: 12)])
        let tiny = Breakdown(dimensions: [.day], total: 2, buckets: [.init(values: ["d"], count: 2)]).anonymized()
        #expect(tiny.buckets == [Breakdown.Bucket(values: ["other"], count: 2)])
    }

    @Test func retentionDeadlineIsTheEndOfTheDayInVietnam() {
        var configuration = EventConfiguration(
            eventID: "e", name: "n", place: "p", date: CivilDate(year: 2025, month: 10, day: 10), kioskID: "k",
            language: .vi, host: "h", port: 1,
            publicBaseURL: nil,
            pledgeText: PledgeText(vi: .init(title: "", commitments: []), en: .init(title: "", commitments: [])),
            resources: [], templatesFolder: URL(fileURLWithPath: "/"), frontTextFile: URL(fileURLWithPath: "/"),
            certificateTemplatesFolder: URL(fileURLWithPath: "/"))
        #expect(configuration.retentionDeadline == nil)
        configuration.retainPersonalDataUntil = CivilDate(year: 2026, month: 1, day: 10)
        // 2026-01-11 00:00 at UTC+7 = 2026-01-10 17:00 UTC.
        #expect(configuration.retentionDeadline == Date(timeIntervalSince1970: 1_768_064_400))
    }
}
