import PledgeKit
import Testing

@testable import KioskFront

@Suite("Back to the province list: the province chosen stays highlighted")
struct KioskFlowProvinceBackTests {
    /// The province screen's highlighted row.
    private static func highlighted(_ flow: KioskFlow) -> Province?? {
        flow.signer.provinceChoice < flow.provinceOptions.count ? flow.provinceOptions[flow.signer.provinceChoice] : nil
    }

    @Test(
        "Found by a search, chosen, then back with Esc from the consent or the check screen",
        arguments: [1, 2])
    func chosenProvinceHighlightedAfterBack(escapes: Int) throws {
        var driver = Driver()
        driver.reachProvince(name: "An", age: "4")
        driver.type("da nang")
        driver.press(.enter)
        let chosen = try #require(driver.flow.signer.province)
        #expect(chosen.name == "Đà Nẵng")
        if escapes == 2 { driver.press(.enter) }  // consent → check
        for _ in 0..<escapes { driver.press(.escape) }
        #expect(driver.flow.screen == .province)
        #expect(Self.highlighted(driver.flow) == .some(chosen))
        #expect(driver.flow.signer.provinceFilter == "da nang")
        // Esc clears the search: the whole list, still the province chosen.
        driver.press(.escape)
        #expect(driver.flow.screen == .province)
        #expect(driver.flow.signer.provinceFilter.isEmpty)
        #expect(Self.highlighted(driver.flow) == .some(chosen))
        // On to the age band and back: still the province chosen.
        driver.press(.escape)
        #expect(driver.flow.screen == .ageBand)
        driver.press(.enter)
        #expect(Self.highlighted(driver.flow) == .some(chosen))
        driver.press(.enter)
        #expect(driver.flow.signer.province == chosen)
    }

    @Test("Esc that clears a search keeps its highlighted province highlighted in the whole list")
    func clearingSearchKeepsHighlight() throws {
        var driver = Driver()
        driver.reachProvince(name: "", age: "4")
        driver.type("da nang")
        driver.press(.escape)
        #expect(driver.flow.screen == .province)
        #expect(driver.flow.signer.provinceFilter.isEmpty)
        #expect(Self.highlighted(driver.flow)??.name == "Đà Nẵng")
        driver.press(.enter)
        #expect(driver.flow.signer.province?.name == "Đà Nẵng")
    }
}
