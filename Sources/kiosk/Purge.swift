import ArgumentParser
import Foundation
import Logging
import PledgeKit
import PledgeStore

/// `kiosk purge`: erases names and schools once the event's retention date has passed.
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase names and schools of the event's pledges once its retention date has passed; counts stay.",
        discussion: """
            The date is event.retainPersonalDataUntil in the event configuration (Vietnam time). \
            Afterwards the WAL is checkpointed and the file vacuumed, so the names are gone from \
            the bytes of the database file. The service also runs this once a day.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = try store.loadConfiguration()
        guard let deadline = configuration.retentionDeadline else {
            throw CLIError(
                "no retention date: set event.retainPersonalDataUntil (yyyy-mm-dd) in \(store.config).")
        }
        let pledges = try store.openExistingStore(configuration)
        let erased = try await Retention.purge(pledges, deadline: deadline, now: Date())
        if let erased {
            print(
                "Đã xóa tên và trường của \(VietnameseText.number(erased)) lời cam kết. · Personal data erased from \(erased) pledge(s)."
            )
        } else {
            print(
                "Chưa đến hạn: giữ đến hết ngày \(configuration.retainPersonalDataUntil ?? ""). · Retention date not passed yet."
            )
        }
        try pledges.close()
    }
}

/// The retention rule, shared by `kiosk purge` and the service's daily run.
enum Retention {
    /// Once `now` is past `deadline`, erases personal data of every pledge of the store's event
    /// made before now. Returns how many were erased, or nil when the deadline has not passed.
    static func purge(_ store: PledgeStore, deadline: Date, now: Date) async throws -> Int? {
        guard now >= deadline else { return nil }
        return try await store.purgePersonalData(createdBefore: now)
    }

    /// The service's daily run: at start-up, then every 24 hours, until cancelled. Logs counts
    /// only, never names.
    static func daily(_ store: PledgeStore, configuration: EventConfiguration, logger: Logger) async {
        guard let deadline = configuration.retentionDeadline else {
            logger.warning("no retention date (event.retainPersonalDataUntil): personal data is kept")
            return
        }
        while !Task.isCancelled {
            do {
                if let erased = try await purge(store, deadline: deadline, now: Date()), erased > 0 {
                    logger.info("retention: personal data erased", metadata: ["pledges.erased": "\(erased)"])
                }
            } catch {
                logger.error("retention: purge failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await Task.sleep(for: .seconds(24 * 3600))
        }
    }
}
