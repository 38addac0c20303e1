import ArgumentParser
import Foundation
import Logging
import PledgeExport
import PledgeKit
import PledgeStore

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk purge`: erases names and schools once the event's retention date has passed.
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase names and schools of the event's pledges once its retention date has passed; counts stay.",
        discussion: """
            The date is event.retainPersonalDataUntil in the event configuration (Vietnam time). \
            Afterwards the WAL is checkpointed and the file vacuumed, so the names are gone from \
            the bytes of the database file. The service also runs this once a day, but only \
            within a day after the date. A clock earlier than the newest pledge is wrong: nothing \
            is erased, unless you checked the clock and add --clock-is-right (a pledge recorded \
            under a clock that was ahead carries a date in the future; it is erased too). More \
            than a day after the date, the purge asks for confirmation on a terminal (y/N); \
            without a terminal, --yes confirms.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Confirm a purge more than a day after the retention date without asking (needed without a terminal).")
    var yes = false

    @Flag(
        help: """
            The clock is right: purge even though the newest pledge is dated later than the clock \
            (recorded under a clock that was ahead; such pledges are erased too). Confirmation is \
            still needed more than a day after the retention date.
            """)
    var clockIsRight = false

    func run() async throws {
        let configuration = try store.loadConfiguration()
        guard let deadline = configuration.retentionDeadline else {
            throw CLIError(
                "no retention date: set event.retainPersonalDataUntil (yyyy-mm-dd) in \(store.config).")
        }
        let until = configuration.retainPersonalDataUntil.map(\.description) ?? ""
        let pledges = try store.openExistingStore(configuration)
        defer {
            try? pledges.close()
            store.warnOfRescuedCopies()
        }
        let now = Date()
        let clock = ExportTable.vietnamTime(now)
        switch try await Retention.decision(pledges, deadline: deadline, now: now, clockIsRight: clockIsRight) {
        case .notYet:
            print("Chưa đến hạn: giữ đến hết ngày \(until). · Retention date not passed yet.")
            return
        case .clockBeforeNewestPledge(let newest):
            let dated = ExportTable.vietnamTime(newest)
            throw CLIError(
                "Không xóa gì: đồng hồ máy (\(clock)) sớm hơn lời cam kết mới nhất, ghi ngày \(dated) (giờ Việt Nam). "
                    + "Nếu đồng hồ sai, hãy chỉnh ngày giờ rồi chạy lại. Nếu đồng hồ đúng (lời cam kết đó được ghi khi "
                    + "đồng hồ của máy chạy nhanh), chạy lại với --clock-is-right. · Nothing erased: the clock "
                    + "(\(clock)) is earlier than the newest pledge, dated \(dated) (Vietnam time). If the clock is "
                    + "wrong, set the date and time, then run again. If the clock is right (that pledge was recorded "
                    + "under a clock that was ahead), run again with --clock-is-right.")
        case .needsConfirmation(let days):
            let question =
                "Đồng hồ máy: \(clock), đã quá hạn lưu giữ (hết ngày \(until)) \(days) ngày. "
                + "Nếu đồng hồ đúng, xóa tên và trường của mọi lời cam kết? · The clock says the retention date "
                + "passed \(days) day(s) ago. If the clock is right, erase every name and school?"
            guard yes || Self.confirm(question) else {
                throw CLIError(
                    "Không xóa gì: cần xác nhận. Kiểm tra đồng hồ máy (\(clock)), rồi trả lời y trên terminal hoặc "
                        + "thêm --yes. · Nothing erased: confirmation needed. Check the clock, then answer y on a "
                        + "terminal or add --yes.")
            }
        case .purge:
            break
        }
        let erased: Int
        do {
            // A person said the clock is right: a pledge dated after it carries a wrong date, and
            // its name is erased with the others.
            erased = try await pledges.purgePersonalData(createdBefore: clockIsRight ? .distantFuture : now)
        } catch let error as ErasedBytesRemain {
            print(Self.erasedLine(error.erased))
            await ScheduledBackups.reconcileAndReport(configuration, store: pledges)
            throw CLIError("the erased names are still in the bytes of the database file: \(error.reason)")
        }
        print(Self.erasedLine(erased))
        // The scheduled backups of event.yaml get the same purge.
        await ScheduledBackups.reconcileAndReport(configuration, store: pledges)
    }

    static func erasedLine(_ erased: Int) -> String {
        "Đã xóa tên và trường của \(VietnameseText.number(erased)) lời cam kết. · Personal data erased from \(erased) pledge(s)."
    }

    /// Asks `question` on the terminal; true only for a yes (y, yes, c, có). No terminal: false.
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return false }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return ["y", "yes", "c", "có"].contains(VietnameseText.nfc(answer))
    }
}

/// The retention rule (``RetentionDecision``) applied to a store: shared by `kiosk purge` and the
/// service's daily run.
enum Retention {
    /// What the rule says for `store` at `now`: reads when its newest pledge was made.
    /// `clockIsRight` comes only from a person (`kiosk purge --clock-is-right`), never the service.
    static func decision(
        _ store: PledgeStore, deadline: Date, now: Date, clockIsRight: Bool = false
    ) async throws -> RetentionDecision {
        RetentionDecision(
            now: now, deadline: deadline, newestPledge: try await store.newestPledgeDate(), clockIsRight: clockIsRight)
    }

    /// The service's daily run: once it holds its port and its database (ServiceStartup.run
    /// starts it after the listening signal), then every 24 hours, until cancelled. Purges only
    /// when the rule says ``RetentionDecision/purge``; otherwise it warns and leaves the decision
    /// to a person with `kiosk purge`. Logs counts only, never names.
    /// After a purge, the scheduled `backups` get it too.
    static func daily(
        _ store: PledgeStore, configuration: EventConfiguration, backups: ScheduledBackups? = nil, logger: Logger
    ) async {
        guard let deadline = configuration.retentionDeadline else {
            logger.warning("no retention date (event.retainPersonalDataUntil): personal data is kept")
            return
        }
        while !Task.isCancelled {
            await once(store, deadline: deadline, now: Date(), backups: backups, logger: logger)
            try? await Task.sleep(for: .seconds(24 * 3600))
        }
    }

    /// One run of ``daily(_:configuration:logger:)`` at `now`.
    static func once(
        _ store: PledgeStore, deadline: Date, now: Date, backups: ScheduledBackups? = nil, logger: Logger
    ) async {
        var committed = false
        do {
            switch try await decision(store, deadline: deadline, now: now) {
            case .notYet:
                return
            case .clockBeforeNewestPledge(let newest):
                logger.warning(
                    "retention: the clock is earlier than the newest pledge: nothing erased; set the clock, then run `kiosk purge`, or, if the clock is right, `kiosk purge --clock-is-right`",
                    metadata: [
                        "clock": "\(ExportTable.vietnamTime(now))", "newest": "\(ExportTable.vietnamTime(newest))",
                    ])
            case .needsConfirmation(let days):
                logger.warning(
                    "retention: the retention date passed more than a day ago: nothing erased without confirmation; run `kiosk purge`",
                    metadata: ["clock": "\(ExportTable.vietnamTime(now))", "days.past": "\(days)"])
            case .purge:
                let erased = try await store.purgePersonalData(createdBefore: now)
                committed = true
                logger.info("retention: personal data erased", metadata: ["pledges.erased": "\(erased)"])
            }
        } catch let error as ErasedBytesRemain {
            committed = true
            logger.info("retention: personal data erased", metadata: ["pledges.erased": "\(error.erased)"])
            logger.error(
                "retention: the erased names are still in the bytes of the database file until the next checkpoint",
                metadata: ["error": "\(error.reason)"])
        } catch {
            logger.error(
                "retention: purge failed, nothing erased",
                metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
        }
        // The scheduled backups get the same purge, right after it committed.
        if committed, let backups { _ = await ServiceStartup.reconcile(backups, logger: logger) }
    }
}
