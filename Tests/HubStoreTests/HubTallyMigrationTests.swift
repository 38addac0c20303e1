import Foundation
import HubCore
import KioskTestSupport
import Logging
import PledgeKit
import Testing

@testable import HubStore

extension HubStoreSchemaTests {
    /// Schema v4 on a hub that already holds pledges (schema v3): the counters are filled from
    /// them, v3's counters are gone, and pledges inserted after are counted by the new trigger.
    @Test func version4FillsTheCountersFromThePledgesAlreadyHere() async throws {
        try await TestPostgres.withDatabase { database in
            let configuration = try database.hubConfiguration()
            try await withHubStore(configuration, logger: Logger(label: "hub-store-test"), migrate: false) { store in
                let older = HubStore.migrations.filter { $0.version < 4 }
                try await database.psql(
                    """
                    CREATE TABLE schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                for migration in older {
                    for statement in migration.statements { try await database.psql(statement) }
                    try await database.psql(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), 'v')")
                }
                try await database.psql(
                    """
                    INSERT INTO hub_event (id, name, province, date, place, code_tag, code_key, token_hash)
                    VALUES ('hue-2026', 'Ngày hội', 'Huế', '2026-03-26', 'Huế', 'HUE1', '\\x00', 'h')
                    """)
                // 40 pledges over three Vietnam days (17:00 UTC is midnight in Vietnam), two kiosks and phones.
                try await database.psql(
                    """
                    INSERT INTO hub_pledge (id, code, event_id, kiosk_id, number, age_band, province, guardian_consent,
                        created_at)
                    SELECT gen_random_uuid(), 'CODE' || i, 'hue-2026', (ARRAY['k1', 'k2', 'phone'])[i % 3 + 1], i,
                        (ARRAY['12-15', '18-24', '25-plus'])[i % 3 + 1], CASE WHEN i % 4 = 0 THEN NULL ELSE 'Huế' END,
                        true, timestamptz '2026-12-05 16:00:00+00' + i * interval '1 hour'
                    FROM generate_series(1, 40) AS i
                    """)
                #expect(try await store.migrate().first == 4)
                let tables = try await database.psql(
                    "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_name LIKE 'hub_%count%'"
                )
                #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
                try await database.psql(
                    """
                    INSERT INTO hub_pledge (id, code, event_id, kiosk_id, number, age_band, province, guardian_consent,
                        created_at)
                    VALUES (gen_random_uuid(), 'CODE41', 'hue-2026', 'k1', 41, '18-24', 'Huế', true, now())
                    """)
                let days = try await store.tally(by: [.day], event: nil, withholding: false).exact
                #expect(days.total == 41)
                let counted = try await database.psql(
                    """
                    SELECT to_char((created_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD'), count(*)
                    FROM hub_pledge GROUP BY 1 ORDER BY 1
                    """)
                #expect(
                    days.buckets.map { "\($0.values[0])|\($0.count)" }.joined(separator: "\n")
                        == counted.trimmingCharacters(in: .whitespacesAndNewlines))
                let everything = try await store.tally(
                    by: [.event, .day, .ageBand, .province, .channel], event: nil, withholding: false)
                #expect(everything.exact.addsUp)
                #expect(try await store.reconcile(repair: false)?.drift == [])
            }
        }
    }
}
