import Foundation
import PledgeKit
import Testing

@Suite("Consent and province rules")
struct PledgeDraftTests {
    @Test("Under 16 with a name needs a guardian's consent", arguments: [AgeBand.under12, .from12To15])
    func under16NamedNeedsGuardian(_ band: AgeBand) throws {
        let draft = PledgeDraft(name: "An", ageBand: band, province: nil, guardianConsent: false)
        #expect(throws: PledgeError(.guardianConsentRequired, vi: "", en: "")) { try draft.validated() }
        var consented = draft
        consented.guardianConsent = true
        #expect(try consented.validated().name == "An")
        let anonymous = PledgeDraft(name: nil, ageBand: band, province: nil, guardianConsent: false)
        #expect(try anonymous.validated().name == nil)
        let schoolOnly = PledgeDraft(
            name: nil, ageBand: band, province: nil, school: "THCS Lê Lợi", guardianConsent: false)
        #expect(throws: PledgeError(.guardianConsentRequired, vi: "", en: "")) { try schoolOnly.validated() }
    }

    @Test("From 16 a name needs no guardian", arguments: [AgeBand.from16To17, .from18To24, .from25])
    func sixteenAndOver(_ band: AgeBand) throws {
        let draft = PledgeDraft(name: "  Bình  ", ageBand: band, province: nil, guardianConsent: false)
        #expect(try draft.validated().name == "Bình")
    }

    @Test func thirtyFourProvincesMatchedLoosely() {
        #expect(Province.all.count == 34)
        #expect(Set(Province.all.map(\.name)).count == 34)
        #expect(Province(matching: "ha noi")?.name == "Hà Nội")
        #expect(Province(matching: "  HỒ CHÍ MINH ")?.name == "Hồ Chí Minh")
        #expect(Province(matching: "Đắk Lắk".decomposedStringWithCanonicalMapping)?.name == "Đắk Lắk")
        #expect(Province(matching: "hanoi")?.name == "Hà Nội")
        #expect(Province(matching: "TP. Hồ Chí Minh")?.name == "Hồ Chí Minh")
        #expect(Province(matching: "Thành phố Huế")?.name == "Huế")
        #expect(Province(matching: "Tỉnh Tây Ninh")?.name == "Tây Ninh")
        #expect(Province(matching: "Thanh Hóa")?.name == "Thanh Hóa")
        #expect(Province(matching: "Hà Tĩnh")?.name == "Hà Tĩnh")
        #expect(Province(matching: "Hà Tây") == nil)
        #expect(Province(matching: "") == nil)
    }

    @Test func searchFindsUnitsByFormerProvinceNamesAndRanksPrefixesFirst() throws {
        let byFormer = Province.search("binh duong")
        #expect(byFormer.map(\.province.name) == ["Hồ Chí Minh"])
        #expect(byFormer.first?.formerName == "Bình Dương")
        #expect(Province.search("sài gòn").first?.province.name == "Hồ Chí Minh")
        #expect(Province.search("tphcm").first?.province.name == "Hồ Chí Minh")
        let ha = Province.search("ha").map(\.province.name)
        #expect(Array(ha.prefix(3)) == ["Hà Nội", "Hải Phòng", "Hà Tĩnh"])
        #expect(ha.firstIndex(of: "Hà Tĩnh")! < ha.firstIndex(of: "Thái Nguyên")!)
        // Every unit named in the merger table exists, and no former name is a current unit.
        for (unit, former) in Province.formerNames {
            #expect(Province(matching: unit)?.name == unit)
            for name in former where !["Sài Gòn", "TP HCM", "HCM"].contains(name) {
                #expect(Province(matching: name) == nil)
            }
        }
        #expect(Province.search("").count == 34)
    }

    @Test func guardianMessageIsBilingual() {
        let draft = PledgeDraft(name: "An", ageBand: .from12To15, province: nil, guardianConsent: false)
        do {
            _ = try draft.validated()
            Issue.record("expected a refusal")
        } catch {
            #expect(error.message.vi.contains("người giám hộ"))
            #expect(error.message.en.contains("guardian"))
            #expect(error.field == "guardianConsent")
        }
    }
}

@Suite("Signing time window")
struct SigningTimeWindowTests {
    let now = Date(timeIntervalSince1970: 1_760_000_000)

    func draft(signedAt offset: TimeInterval?) -> PledgeDraft {
        PledgeDraft(
            name: nil, ageBand: .from18To24, province: nil, guardianConsent: false,
            signedAt: offset.map { now.addingTimeInterval($0) })
    }

    @Test func aPlausibleTimeIsKept() {
        #expect(draft(signedAt: -3600).signingTime(now: now) == now.addingTimeInterval(-3600))
        #expect(draft(signedAt: -6 * 86400).signingTime(now: now) == now.addingTimeInterval(-6 * 86400))
        #expect(draft(signedAt: 120).signingTime(now: now) == now.addingTimeInterval(120))
    }

    @Test func anImplausibleTimeIsReplacedByNow() {
        #expect(draft(signedAt: nil).signingTime(now: now) == now)
        #expect(draft(signedAt: -8 * 86400).signingTime(now: now) == now)
        #expect(draft(signedAt: 3600).signingTime(now: now) == now)
        // A kiosk whose real-time clock reset to 1970.
        #expect(draft(signedAt: -now.timeIntervalSince1970).signingTime(now: now) == now)
    }

    @Test func contentLeavesOutTheSigningTime() {
        #expect(draft(signedAt: -60).content == draft(signedAt: nil))
    }
}
