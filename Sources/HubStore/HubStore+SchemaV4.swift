import PledgeKit

extension HubStore {
    /// Version 4: national counts (issue 15). One counter table, `hub_tally`, whose key holds every
    /// dimension the hub counts by (event, Vietnam day, age band, province, channel), so any
    /// combination is a `GROUP BY` over it; and `hub_kiosk_tally` (event × kiosk), which public
    /// answers read to withhold each kiosk's newest `pledges mod k` as the event service does.
    /// Both are kept by one trigger on every insert of pledges, whichever way they come (a batch's
    /// statement, a pledge made at the hub), in the inserting transaction, once per statement over
    /// the rows it inserted (a replayed pledge is not inserted, so counts nothing); filled from the
    /// pledges already here. Erasures and purges blank names and change no count, as at an event.
    /// They replace v1's `hub_count` and v3's `hub_channel_count` (and its trigger).
    ///
    /// Two SQL functions hold the rules every statement shares: `hub_vietnam_day` (the Vietnam
    /// date of a time: ``PledgeKit/VietnamTime``, UTC+7, as ``PledgeKit/CountDimension/day``) and
    /// `hub_channel` (``PledgeKit/PledgeChannel`` from the kiosk id).
    static let schemaV4 = Migration(
        version: 4, name: "national counts",
        statements: [
            """
            CREATE FUNCTION hub_vietnam_day(timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN (($1 AT TIME ZONE 'UTC') + interval '\(VietnamTime.offsetSeconds) seconds')::date
            """,
            """
            CREATE FUNCTION hub_channel(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
            RETURN CASE WHEN $1 = '\(KioskID.phone.rawValue)' THEN '\(PledgeChannel.phone.rawValue)'
                ELSE '\(PledgeChannel.kiosk.rawValue)' END
            """,
            """
            CREATE TABLE hub_tally (
                event_id text NOT NULL REFERENCES hub_event (id),
                day date NOT NULL,
                age_band text NOT NULL,
                -- '' when the pledge gave none.
                province text NOT NULL,
                channel text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (event_id, day, age_band, province, channel)
            )
            """,
            """
            CREATE TABLE hub_kiosk_tally (
                event_id text NOT NULL REFERENCES hub_event (id),
                kiosk_id text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (event_id, kiosk_id)
            )
            """,
            """
            INSERT INTO hub_tally (event_id, day, age_band, province, channel, count)
            SELECT event_id, hub_vietnam_day(created_at), age_band, coalesce(province, ''), hub_channel(kiosk_id),
                count(*)
            FROM hub_pledge GROUP BY 1, 2, 3, 4, 5
            """,
            """
            INSERT INTO hub_kiosk_tally (event_id, kiosk_id, count)
            SELECT event_id, kiosk_id, count(*) FROM hub_pledge GROUP BY 1, 2
            """,
            // A kiosk's newest pledges, read when public answers withhold them.
            "CREATE INDEX hub_pledge_event_kiosk_number ON hub_pledge (event_id, kiosk_id, number)",
            """
            CREATE FUNCTION hub_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO hub_tally (event_id, day, age_band, province, channel, count)
                SELECT event_id, hub_vietnam_day(created_at), age_band, coalesce(province, ''), hub_channel(kiosk_id),
                    count(*)
                FROM inserted GROUP BY 1, 2, 3, 4, 5
                ON CONFLICT (event_id, day, age_band, province, channel)
                DO UPDATE SET count = hub_tally.count + excluded.count;
                INSERT INTO hub_kiosk_tally (event_id, kiosk_id, count)
                SELECT event_id, kiosk_id, count(*) FROM inserted GROUP BY 1, 2
                ON CONFLICT (event_id, kiosk_id) DO UPDATE SET count = hub_kiosk_tally.count + excluded.count;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER hub_pledge_counted AFTER INSERT ON hub_pledge
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION hub_count_inserted()
            """,
            "DROP TRIGGER hub_pledge_channels ON hub_pledge",
            "DROP FUNCTION hub_count_channels()",
            "DROP TABLE hub_channel_count",
            "DROP TABLE hub_count",
        ])
}
