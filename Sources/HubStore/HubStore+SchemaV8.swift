import PledgeKit

extension HubStore {
    /// Version 8: each count notification names its event. Schema v6's trigger notified
    /// ``countsChannel`` with no payload, so a hub told of new counts could not tell whose, and
    /// read every event's pledge total to find out (BENCHMARKS.md, H5); now a statement that
    /// inserts pledges notifies once per event among them, the event's id as the payload
    /// (``HubStore/countVersions()``). Notifications with equal payloads in one transaction are
    /// still folded into one (PostgreSQL's `NOTIFY`), and a batch is one event's.
    static let schemaV8 = Migration(
        version: 8, name: "count notifications name their event",
        statements: [
            """
            CREATE OR REPLACE FUNCTION hub_notify_counts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(countsChannel)', moved.event_id)
                FROM (SELECT DISTINCT event_id FROM inserted) AS moved;
                RETURN NULL;
            END
            $$
            """
        ])
}
