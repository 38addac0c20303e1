import PledgeKit

extension HubStore {
    /// Version 7: a rollup of the counts by event and province, `hub_province_tally` (issue 15,
    /// benchmark H5). `hub_tally` holds one row per event × day × age band × province × channel, so
    /// a national breakdown by province sums tens of thousands of rows; this table holds at most
    /// one per event and province (`''` for none), which every breakdown by `event` and `province`
    /// alone reads instead (``tallyTable(_:)``). Kept by schema v4's trigger function, replaced
    /// here to upsert it too, in the inserting transaction. Keyed by event, not by province alone:
    /// batches of one event come one after another, so concurrent batches of events in one
    /// province never wait on one another's row (a per-province row would be locked by each until
    /// its commit). Filled from `hub_tally`; checked and repaired by reconciliation as the others.
    static let schemaV7 = Migration(
        version: 7, name: "counts by event and province",
        statements: [
            """
            CREATE TABLE hub_province_tally (
                event_id text NOT NULL REFERENCES hub_event (id),
                -- '' when the pledge gave none.
                province text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (event_id, province)
            )
            """,
            """
            INSERT INTO hub_province_tally (event_id, province, count)
            SELECT event_id, province, sum(count) FROM hub_tally GROUP BY 1, 2
            """,
            """
            CREATE OR REPLACE FUNCTION hub_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO hub_tally (event_id, day, age_band, province, channel, count)
                SELECT event_id, hub_vietnam_day(created_at), age_band, coalesce(province, ''), hub_channel(kiosk_id),
                    count(*)
                FROM inserted GROUP BY 1, 2, 3, 4, 5
                ON CONFLICT (event_id, day, age_band, province, channel)
                DO UPDATE SET count = hub_tally.count + excluded.count;
                INSERT INTO hub_province_tally (event_id, province, count)
                SELECT event_id, coalesce(province, ''), count(*) FROM inserted GROUP BY 1, 2
                ON CONFLICT (event_id, province) DO UPDATE SET count = hub_province_tally.count + excluded.count;
                INSERT INTO hub_kiosk_tally (event_id, kiosk_id, count)
                SELECT event_id, kiosk_id, count(*) FROM inserted GROUP BY 1, 2
                ON CONFLICT (event_id, kiosk_id) DO UPDATE SET count = hub_kiosk_tally.count + excluded.count;
                RETURN NULL;
            END
            $$
            """,
        ])

    /// The counter table a breakdown by `dimensions` reads: `hub_province_tally` when they are
    /// among `event` and `province` (its columns have `hub_tally`'s names), `hub_tally` otherwise.
    static func tallyTable(_ dimensions: [CountDimension]) -> String {
        Set(dimensions).isSubset(of: [.event, .province]) ? "hub_province_tally" : "hub_tally"
    }
}
