import PledgeKit

/// Public counts across events (issue 15): the sum of each event's own published table.
///
/// Each public table is safe on its own (k = 5 with complementary suppression,
/// ``PledgeKit/Breakdown/published(withholding:minimumGroupSize:)``), but two tables can be
/// subtracted: publishing the exact national table would let the national count of a province
/// (12) minus one event's (11) show a group of 1 at the other events. So every public table
/// across events is the sum, cell by cell, of the tables each event publishes itself (the ones its
/// own service answers, which the hub answers for `?event=` too): `other` is the sum of the
/// events' `other`s, a named cell the sum of the events' shown cells of that name. Any difference
/// of public tables is then a sum of cells some event publishes, so reveals no group the events'
/// own tables do not, and every named cell holds at least k (a sum of cells of at least k). The
/// total stays exact: total minus the named cells is the sum of the events' `other`s, published.
extension HubTally {
    /// The tally of each event, from a tally whose first dimension is ``PledgeKit/CountDimension/event``
    /// (buckets and withheld pledges split by their first value, which is dropped): keyed by event
    /// id, each with the dimensions that follow `event` and the event's own total. Events without
    /// pledges are absent.
    public var byEvent: [String: HubTally] {
        let dimensions = Array(exact.dimensions.dropFirst())
        var buckets: [String: [Breakdown.Bucket]] = [:]
        var withheld: [String: [[String]]] = [:]
        for bucket in exact.buckets {
            buckets[bucket.values[0], default: []].append(
                Breakdown.Bucket(values: Array(bucket.values.dropFirst()), count: bucket.count))
        }
        for values in self.withheld { withheld[values[0], default: []].append(Array(values.dropFirst())) }
        var tallies: [String: HubTally] = [:]
        for (event, own) in buckets {
            tallies[event] = HubTally(
                exact: Breakdown(dimensions: dimensions, total: own.reduce(0) { $0 + $1.count }, buckets: own),
                withheld: withheld[event] ?? [])
        }
        return tallies
    }

    /// The public table across events: each event's ``published`` table (from ``byEvent``)
    /// summed cell by cell, the total exact, buckets in ``PledgeKit/BucketOrder`` with `other`
    /// where that order puts it, `minimumGroupSize` k = 5. `self` must be a tally by `event`
    /// first (``HubRecords/tally(by:event:withholding:)`` with `withholding`); without further
    /// dimensions the answer is the total alone.
    public var publishedAcrossEvents: Breakdown {
        Self.acrossEvents(
            byEvent.values.map(\.published), dimensions: Array(exact.dimensions.dropFirst()), total: exact.total)
    }

    /// Events' published tables (each an event's ``published``, by `dimensions`) summed cell by
    /// cell, with the exact `total` of those events: ``publishedAcrossEvents``'s answer from
    /// tables kept per event.
    public static func acrossEvents(_ tables: some Sequence<Breakdown>, dimensions: [CountDimension], total: Int)
        -> Breakdown
    {
        var sums: [[String]: Int] = [:]
        if !dimensions.isEmpty {
            for table in tables {
                for bucket in table.buckets { sums[bucket.values, default: 0] += bucket.count }
            }
        }
        let buckets = sums.map { Breakdown.Bucket(values: $0.key, count: $0.value) }
            .sorted(by: BucketOrder(dimensions: dimensions).precedes)
        return Breakdown(
            dimensions: dimensions, total: total, buckets: buckets,
            minimumGroupSize: Breakdown.defaultMinimumGroupSize)
    }
}
