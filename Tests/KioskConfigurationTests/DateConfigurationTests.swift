import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

/// Dates in `event.yaml` and the resources file: read by `CivilDate`'s parser, a bad one refused
/// with the file, the field and the text, in Vietnamese and English (issue 13, typed rules).
@Suite("Dates of the event configuration")
struct DateConfigurationTests {
    /// An event file with the given `event:` mapping's date lines, and a resources file whose
    /// one resource is reviewed by `reviewBy`.
    static func event(_ dates: String, reviewBy: String = "2026-12-31") throws -> (event: URL, resources: URL) {
        let folder = temporaryDirectory("date-config")
        let kiosk = RepositoryPaths.root.appendingPathComponent("Kiosk").path
        let resources = folder.appendingPathComponent("resources.yaml")
        try """
        - id: helpline
          kind: phone
          value: "111"
          name: { vi: "Tổng đài", en: "Helpline" }
          purpose: { vi: "Giúp đỡ", en: "Help" }
          owner: "Bộ Y tế"
          reviewBy: \(reviewBy)
        """.write(to: resources, atomically: true, encoding: .utf8)
        let event = folder.appendingPathComponent("event.yaml")
        try """
        event: { id: date-event, name: "Lễ phát động", place: "Hà Nội", \(dates) }
        kiosk: { id: kiosk-01 }
        files:
          pledge: \(kiosk)/pledge.yaml
          resources: resources.yaml
          templates: \(RepositoryPaths.root.appendingPathComponent("Certificates/default").path)
          front: \(kiosk)/front.yaml
        """.write(to: event, atomically: true, encoding: .utf8)
        return (event, resources)
    }

    static func load(_ file: URL) throws -> EventConfiguration {
        try EventConfiguration.load(from: file, environment: [:])
    }

    @Test func datesAreTyped() throws {
        let files = try Self.event("date: 2025-10-10, retainPersonalDataUntil: 2026-01-10", reviewBy: "2026-12-31")
        let configuration = try Self.load(files.event)
        #expect(configuration.date == CivilDate(year: 2025, month: 10, day: 10))
        #expect(configuration.displayDate == Localized(vi: "10/10/2025", en: "10 October 2025"))
        #expect(configuration.retainPersonalDataUntil == CivilDate(year: 2026, month: 1, day: 10))
        // 2026-01-11 00:00 at UTC+7.
        #expect(configuration.retentionDeadline == Date(timeIntervalSince1970: 1_768_064_400))
        #expect(configuration.resources.map(\.reviewBy) == [CivilDate(year: 2026, month: 12, day: 31)])
        #expect(try Self.load(Self.event("date: \"2025-10-10\"").event).retainPersonalDataUntil == nil)
    }

    @Test(arguments: [
        ("date: 2025-02-29", "event.date", "2025-02-29"),
        ("date: 10/10/2025", "event.date", "10/10/2025"),
        ("date: 2025-10-10, retainPersonalDataUntil: 2026-1-10", "event.retainPersonalDataUntil", "2026-1-10"),
        ("date: 2025-10-10, retainPersonalDataUntil: 2026-02-30", "event.retainPersonalDataUntil", "2026-02-30"),
    ])
    func aBadEventDateIsRefusedNamingTheField(dates: String, field: String, text: String) throws {
        let files = try Self.event(dates)
        do {
            _ = try Self.load(files.event)
            Issue.record("accepted: \(dates)")
        } catch let error as ConfigurationError {
            #expect(error.file == files.event.path)
            #expect(error.problem.contains("\(field) must be a day as yyyy-mm-dd, not '\(text)'"), "\(error.problem)")
            #expect(error.problem.contains("\(field) phải là một ngày có thật"), "\(error.problem)")
            #expect(!error.problem.contains("not valid YAML"), "the YAML is fine, the day is not: \(error.problem)")
        }
    }

    @Test func aBadReviewDateIsRefusedNamingTheResourcesFileAndTheResource() throws {
        let files = try Self.event("date: 2025-10-10", reviewBy: "2026-13-01")
        do {
            _ = try Self.load(files.event)
            Issue.record("accepted a review date in month 13")
        } catch let error as ConfigurationError {
            #expect(error.file == files.resources.path)
            #expect(error.problem.contains("reviewBy of 'helpline' must be a day as yyyy-mm-dd, not '2026-13-01'"))
            #expect(error.problem.contains("reviewBy of 'helpline' phải là một ngày có thật"))
        }
    }

    @Test func aResourcePastItsReviewDayInVietnamIsAWarning() throws {
        let configuration = try Self.load(Self.event("date: 2026-01-09", reviewBy: "2026-01-10").event)
        let midnight = Date(timeIntervalSince1970: 1_768_064_400)  // 2026-01-11 00:00 at UTC+7.
        #expect(configuration.warnings(today: midnight.addingTimeInterval(-1)).isEmpty)
        #expect(
            configuration.warnings(today: midnight) == [
                "tài nguyên an toàn 'helpline' đã đến hạn xem lại ngày 2026-01-10: kiểm tra xem còn đúng không · "
                    + "safety resource 'helpline' was due for review on 2026-01-10: check it is still right"
            ])
    }

    /// An event's date long past (a copied event.yaml, the shipped example a year on) is said at
    /// start: certificates would name that day (trial).
    @Test func anEventDateMoreThanAWeekAgoIsAWarning() throws {
        let configuration = try Self.load(Self.event("date: 2026-01-03", reviewBy: "2030-01-01").event)
        let midnight = Date(timeIntervalSince1970: 1_768_064_400)  // 2026-01-11 00:00 at UTC+7.
        // 2026-01-10, seven days after: still the event's week.
        #expect(configuration.warnings(today: midnight.addingTimeInterval(-1)).isEmpty)
        let warnings = configuration.warnings(today: midnight)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("ngày sự kiện 2026-01-03 đã qua 8 ngày") == true)
        #expect(warnings.first?.contains("the event's date 2026-01-03 was 8 days ago") == true)
    }

    /// A clock before the event's date dates pledges wrong: the start says so (breaker: a clock
    /// at 1999-12-31 was taken silently). The event's own day, and after it, say nothing.
    @Test func aClockBeforeTheEventsDateIsAWarning() throws {
        let configuration = try Self.load(Self.event("date: 2025-10-10", reviewBy: "2027-01-10").event)
        let eventMidnight = Date(timeIntervalSince1970: 1_760_029_200)  // 2025-10-10 00:00 at UTC+7.
        #expect(configuration.warnings(today: eventMidnight).isEmpty)
        let warnings = configuration.warnings(today: eventMidnight.addingTimeInterval(-1))
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("the clock reads 2025-10-09, before the event's date 2025-10-10") == true)
        #expect(warnings.first?.hasPrefix("đồng hồ của máy đang ở ngày 2025-10-09") == true)
    }

    @Test func theGivenEnvironmentOverridesTheFileTokens() throws {
        let file = try EventConfigurationTests.event(
            service: "kioskToken: from-file", organizer: "token: organizer-file", in: temporaryDirectory("config"))
        let configuration = try EventConfiguration.load(
            from: file, environment: ["KIOSK_KIOSK_TOKEN": " from-env ", "KIOSK_ORGANIZER_TOKEN": "organizer-env"])
        #expect(configuration.kioskToken == "from-env")
        #expect(configuration.organizerToken == "organizer-env")
        let fromFile = try EventConfiguration.load(from: file, environment: ["KIOSK_KIOSK_TOKEN": "  "])
        #expect(fromFile.kioskToken == "from-file")
        #expect(fromFile.organizerToken == "organizer-file")
    }
}
