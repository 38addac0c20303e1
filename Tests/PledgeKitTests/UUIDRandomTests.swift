import Foundation
import Testing

@testable import PledgeKit

@Suite("Random UUIDs from getrandom(2)")
struct UUIDRandomTests {
    @Test func version4VariantOneAndNoRepeats() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let text = id.uuidString
            // xxxxxxxx-xxxx-4xxx-[89AB]xxx-xxxxxxxxxxxx (RFC 9562, 4.1 and 4.2).
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89AB".contains(Array(text)[19]), "\(text)")
        }
    }
}
