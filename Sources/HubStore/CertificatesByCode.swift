import PostgresNIO

/// The pledges with any of the certificate codes and their events' shown fields, in one statement
/// prepared once per connection (postgres-nio keeps it by ``name``): a first view at the hub is at
/// most one round trip, shared with the views asked for meanwhile, and the server plans it once,
/// not on every page (issue 14, H2).
struct CertificatesByCode: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static let name = "hub_certificates_by_code_v2"
    static let sql = """
        SELECT code, id, kiosk_id, number, name, age_band, province, guardian_consent, created_at, event_id
        FROM hub_pledge WHERE code = ANY($1)
        """
    static let bindingDataTypes: [PostgresDataType] = [.textArray]

    let codes: [String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(codes)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// The same on a hot standby, and only once it has replayed the primary's WAL through
    /// `replayedThrough` (a `pg_lsn`; on a primary, where `pg_last_wal_replay_lsn()` is null, no row).
    struct OnStandby: PostgresPreparedStatement {
        typealias Row = PostgresRow
        static let name = "hub_certificates_by_code_on_standby_v1"
        static let sql = CertificatesByCode.sql + " AND pg_last_wal_replay_lsn() >= $2::pg_lsn"
        static let bindingDataTypes: [PostgresDataType] = [.textArray, .text]

        let codes: [String]
        let replayedThrough: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(codes)
            bindings.append(replayedThrough)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}
