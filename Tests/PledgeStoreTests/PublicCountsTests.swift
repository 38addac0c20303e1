import Foundation
import KioskTestSupport
import PledgeKit
import Testing

@testable import PledgeStore

/// Public counts move so that no change belongs to one signer (``PublicCounts``).
@Suite("Public counts cannot be differenced to one signer")
struct PublicCountsTests {
    struct Signer: Hashable {
        var kiosk: String
        var band: AgeBand
        var province: String?
    }

    /// What the public should see, worked out from the signers alone: each kiosk's pledges
    /// published in groups of 5, oldest first, the rest in "other".
    static func expected(_ signers: [Signer], by dimensions: [CountDimension]) -> Breakdown {
        func values(_ signer: Signer) -> [String] {
            dimensions.map {
                switch $0 {
                case .kiosk: signer.kiosk
                case .ageBand: signer.band.rawValue
                default: signer.province ?? Breakdown.unknown
                }
            }
        }
        var published: [[String]: Int] = [:]
        for kiosk in Set(signers.map(\.kiosk)) {
            let own = signers.filter { $0.kiosk == kiosk }
            for signer in own.prefix(own.count - own.count % 5) { published[values(signer), default: 0] += 1 }
        }
        let withheld = signers.count - published.values.reduce(0, +)
        var breakdown = Breakdown(
            dimensions: dimensions, total: signers.count - withheld,
            buckets: published.map { Breakdown.Bucket(values: $0.key, count: $0.value) }
                .sorted(by: BucketOrder(dimensions: dimensions).precedes)
        ).anonymized()
        breakdown.total = signers.count
        if withheld > 0 {
            let other = dimensions.map { _ in Breakdown.other }
            if let index = breakdown.buckets.firstIndex(where: { $0.values == other }) {
                breakdown.buckets[index].count += withheld
            } else {
                breakdown.buckets.append(.init(values: other, count: withheld))
            }
        }
        return breakdown
    }

    static func named(_ breakdown: Breakdown) -> Set<Breakdown.Bucket> {
        Set(breakdown.buckets.filter { !$0.values.allSatisfy { $0 == Breakdown.other } })
    }

    static func other(_ breakdown: Breakdown) -> Int {
        breakdown.buckets.first { $0.values.allSatisfy { $0 == Breakdown.other } }?.count ?? 0
    }

    @Test func oneMoreSignerMovesOnlyTheTotalAndOtherUntilKOfTheirKioskHaveCome() async throws {
        let (store, _) = try makeStore()
        var generator = SplitMix64(seed: 11)
        let provinces = ["Hà Nội", "Huế", "Cà Mau", nil]
        let dimensionSets: [[CountDimension]] = [[.ageBand], [.province], [.kiosk, .ageBand, .province]]
        var signers: [Signer] = []
        var before = try await dimensionSets.asyncMap { try await store.publicBreakdown(by: $0) }
        var beforeCounts = try await store.publicCounts()
        for index in 0..<60 {
            let signer = Signer(
                kiosk: "k-\(Int.random(in: 1...3, using: &generator))",
                band: AgeBand.allCases.randomElement(using: &generator)!,
                province: provinces.randomElement(using: &generator)!.map { Province(matching: $0)!.name })
            let draft = PledgeDraft(
                name: nil, ageBand: signer.band, province: signer.province.flatMap(Province.init(matching:)),
                school: nil, guardianConsent: true)
            _ = try await store.record(
                draft, idempotencyKey: try IdempotencyKey("public-\(index)"), kioskID: signer.kiosk)
            signers.append(signer)
            let after = try await dimensionSets.asyncMap { try await store.publicBreakdown(by: $0) }
            let afterCounts = try await store.publicCounts()
            let step = signers.filter { $0.kiosk == signer.kiosk }.count % 5 == 0
            for (dimensions, (old, new)) in zip(dimensionSets, zip(before, after)) {
                #expect(new == Self.expected(signers, by: dimensions), "\(dimensions) after \(index + 1)")
                #expect(new.total == old.total + 1 && new.addsUp)
                if !step {
                    // Nothing named moved: the signer is only in the total and in "other".
                    #expect(Self.named(new) == Self.named(old), "\(dimensions) after \(index + 1)")
                    #expect(Self.other(new) == Self.other(old) + 1)
                }
            }
            #expect(afterCounts.total == beforeCounts.total + 1)
            if !step {
                #expect(
                    afterCounts.byAgeBand.filter { $0.key != "other" }
                        == beforeCounts.byAgeBand.filter { $0.key != "other" })
                #expect(
                    afterCounts.byProvince.filter { $0.key != "other" }
                        == beforeCounts.byProvince.filter { $0.key != "other" })
                #expect(afterCounts.byAgeBand["other"] == (beforeCounts.byAgeBand["other"] ?? 0) + 1)
            }
            #expect(afterCounts.byAgeBand.values.reduce(0, +) == afterCounts.total)
            #expect(afterCounts.byProvince.values.reduce(0, +) == afterCounts.total)
            (before, beforeCounts) = (after, afterCounts)
        }
        // The exact counts are untouched: organizers see every pledge.
        #expect(try await store.breakdown(by: [.ageBand]).buckets.allSatisfy { $0.values != [Breakdown.other] })
    }

    @Test func publicCountsDoNotCrossTimeWithPersonalDimensions() async throws {
        let (store, _) = try makeStore()
        for dimensions: [CountDimension] in [[.hour, .ageBand], [.day, .province], [.kiosk, .hour, .province]] {
            await #expect(throws: PledgeError(.invalidRequest, vi: "", en: "")) {
                try await store.publicBreakdown(by: dimensions)
            }
        }
        for dimensions: [CountDimension] in [[.hour], [.day, .kiosk], [.event, .ageBand, .province], []] {
            _ = try await store.publicBreakdown(by: dimensions)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
