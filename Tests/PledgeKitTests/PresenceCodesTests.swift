import Foundation
import PledgeKit
import Testing

@Suite("Presence codes: 6 characters, a new one every 5 minutes, the last 3 accepted")
struct PresenceCodesTests {
    static let codes = PresenceCodes(key: Array(repeating: 7, count: 32))
    /// A moment at the start of a period (1,800,000,000 s is a multiple of 300).
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aCodeLastsItsPeriodAndTheLastThreeAreAccepted() {
        let code = Self.codes.code(at: Self.start)
        #expect(code.count == PresenceCodes.length)
        #expect(code.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(Self.codes.code(at: Self.start.addingTimeInterval(299)) == code)
        #expect(Self.codes.code(at: Self.start.addingTimeInterval(300)) != code)
        #expect(Self.codes.nextChange(after: Self.start.addingTimeInterval(10)) == Self.start.addingTimeInterval(300))
        // Accepted in its period and the next two (up to 15 minutes after it was first shown), not after.
        #expect(Self.codes.accepts(code, at: Self.start))
        #expect(Self.codes.accepts(code, at: Self.start.addingTimeInterval(899)))
        #expect(!Self.codes.accepts(code, at: Self.start.addingTimeInterval(900)))
        // A period early too (a screen whose clock runs up to 5 minutes fast shows it early), not two.
        #expect(Self.codes.accepts(code, at: Self.start.addingTimeInterval(-1)))
        #expect(Self.codes.accepts(code, at: Self.start.addingTimeInterval(-300)))
        #expect(!Self.codes.accepts(code, at: Self.start.addingTimeInterval(-301)))
    }

    /// Screens show the code the event's `/p` takes, also beside a linked event's hub link,
    /// whose last segment is the event's code tag then the code (trial: 10 characters, refused).
    @Test func theCodeShownBesideALinkIsTheOneTheFormTakes() {
        let code = Self.codes.code(at: Self.start)
        #expect(PresenceCodes.shownCode(inLink: "HTTP://192.168.1.20:8080/P/\(code)") == code)
        #expect(PresenceCodes.shownCode(inLink: "HTTPS://KHONGMOTMINH.VN/P/5K10\(code)") == code)
        #expect(
            Self.codes.accepts(PresenceCodes.shownCode(inLink: "HTTPS://KHONGMOTMINH.VN/P/5K10\(code)"), at: Self.start)
        )
    }

    @Test func codesAreReadAsCertificateCodesAreAndMadeUpOnesFail() {
        let code = Self.codes.code(at: Self.start)
        #expect(Self.codes.accepts(code.lowercased(), at: Self.start))
        #expect(Self.codes.accepts(String(code.prefix(3)) + "-" + String(code.dropFirst(3)), at: Self.start))
        for wrong in ["", "ZZZZZZ", String(code.dropLast()), code + "0", "ÀBCDEF", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}"]
        where wrong.uppercased() != code {
            #expect(!Self.codes.accepts(wrong, at: Self.start), "\(wrong)")
        }
        // Another event's key gives another code.
        let other = PresenceCodes(key: Array(repeating: 8, count: 32))
        #expect(other.code(at: Self.start) != code)
        #expect(!other.accepts(code, at: Self.start))
    }

    @Test func theChannelOfAKioskID() {
        #expect(PledgeChannel(kioskID: "phone") == .phone)
        #expect(PledgeChannel(kioskID: "kiosk-01") == .kiosk)
        #expect(!KioskID.phone.isKioskOwn && KioskID("kiosk-01")!.isKioskOwn)
        #expect(!KioskID("other")!.isKioskOwn && !KioskID("OTHER")!.isKioskOwn)
    }
}
