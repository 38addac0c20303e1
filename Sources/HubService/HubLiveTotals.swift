import HubCore
import LiveWeb
import PledgeKit

/// The hub's live counter source (`/live`, `/live/events`): the national total and pledges by
/// where they were made (each event's province, `online`), read through
/// ``HubRecords/nationalTotals()`` from the counter tables. No event lines (thousands of them);
/// the place lines are published by the public counts' rule
/// (``PledgeKit/Breakdown/published(withholding:minimumGroupSize:)``, k = 5): a place with fewer
/// pledges is merged into `other` (bigger ones join it until it has k), so the parts always add up
/// to the total. Differencing them with other public answers reveals no signer: a place line is
/// the sum of the exact totals of its events (each event's total is public:
/// `/api/public/counts?event=`), and an event's place is what everyone in its room sees, not a
/// signer's own province (the signer-province tables are ``HubPublicCounts``'s sums of
/// published cells). Largest first, then by name (Vietnamese order is not needed: ties are rare).
public struct HubLiveTotals: LiveSource {
    let records: any HubRecords

    public init(records: any HubRecords) { self.records = records }

    public func liveSnapshot() async throws(PledgeError) -> LiveSnapshot {
        let totals: NationalTotals
        do throws(HubError) { totals = try await records.nationalTotals() } catch { throw PledgeError(error) }
        let published = Breakdown(
            dimensions: [.province], total: totals.total,
            buckets: totals.byEventProvince.sorted { $0.key < $1.key }.map {
                Breakdown.Bucket(values: [$0.key], count: $0.value)
            }
        ).published(withholding: [])
        let places = published.buckets
            .map { ProvinceTotal(province: $0.values[0], count: $0.count) }
            .sorted { ($1.count, $0.province) < ($0.count, $1.province) }
        return LiveSnapshot(total: totals.total, events: [], provinces: places)
    }
}
