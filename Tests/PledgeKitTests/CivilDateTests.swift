import Foundation
import PledgeKit
import Testing

/// `CivilDate`'s text form: the one parser of the dates in `event.yaml` and the resources.
@Suite("Civil dates as text")
struct CivilDateTests {
    @Test(arguments: ["2025-10-10", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31", "1969-12-31"])
    func daysAreReadAndWrittenBack(text: String) throws {
        let date = try #require(CivilDate(text))
        #expect(date.description == text)
        #expect(CivilDate(daysSince1970: date.daysSince1970) == date)
    }

    @Test(arguments: [
        "", "2025-10-1", "2025-1-10", "25-10-10", "2025/10/10", "2025-10-10 ", " 2025-10-10", "2025-13-01",
        "2025-00-10", "2025-10-00", "2025-02-29", "1900-02-29", "2025-04-31", "2025-+1-10", "2025-10-1x",
        "２０２５-10-10", "2025-10-10T00:00", "10/10/2025",
    ])
    func anythingElseIsNotADay(text: String) {
        #expect(CivilDate(text) == nil)
        #expect(throws: CivilDate.FormatError(field: "event.date", text: text)) {
            try CivilDate(text, field: "event.date")
        }
    }

    @Test func theErrorNamesTheFieldAndTheTextInBothLanguages() {
        let message = CivilDate.FormatError(field: "event.date", text: "2025-02-30").message
        #expect(
            message.vi
                == "event.date phải là một ngày có thật, viết năm-tháng-ngày (yyyy-mm-dd), không phải '2025-02-30'")
        #expect(message.en == "event.date must be a day as yyyy-mm-dd, not '2025-02-30'")
    }

    @Test func daysAreOrderedByTheCalendar() throws {
        let days = try ["2024-12-31", "2025-01-01", "2025-01-02", "2025-02-01", "2026-01-01"].map {
            try #require(CivilDate($0))
        }
        #expect(days.shuffled().sorted() == days)
    }

    @Test func aDayShowsAsEachLanguageWritesIt() throws {
        let day = try #require(CivilDate("2025-10-05"))
        #expect(day.displayText == Localized(vi: "05/10/2025", en: "5 October 2025"))
    }

    @Test func theDayInVietnamTurnsAt17UTC() throws {
        // 2026-01-10 17:00 UTC is 2026-01-11 00:00 at UTC+7.
        let midnight = Date(timeIntervalSince1970: 1_768_064_400)
        #expect(CivilDate(inVietnamAt: midnight) == CivilDate(year: 2026, month: 1, day: 11))
        #expect(CivilDate(inVietnamAt: midnight.addingTimeInterval(-1)) == CivilDate(year: 2026, month: 1, day: 10))
        #expect(CivilDate(year: 2026, month: 1, day: 11).startInVietnam == midnight)
        // Before 1970 too: 1969-12-31 16:59:59 UTC is 23:59:59 in Vietnam.
        #expect(
            CivilDate(inVietnamAt: Date(timeIntervalSince1970: -7 * 3600 - 1))
                == CivilDate(year: 1969, month: 12, day: 31))
    }

    @Test func aDayIsCodedAsItsText() throws {
        struct Holder: Codable, Equatable { var day: CivilDate }
        let json = Data(#"{"day":"2025-10-10"}"#.utf8)
        let holder = try JSONDecoder().decode(Holder.self, from: json)
        #expect(holder.day == CivilDate(year: 2025, month: 10, day: 10))
        #expect(try JSONEncoder().encode(holder) == json)
        #expect(throws: CivilDate.FormatError(field: "day", text: "2025-10-32")) {
            try JSONDecoder().decode(Holder.self, from: Data(#"{"day":"2025-10-32"}"#.utf8))
        }
    }
}
