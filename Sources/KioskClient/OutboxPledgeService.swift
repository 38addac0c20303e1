import Foundation
import KioskAPI
import Logging
import PledgeKit

/// The pledge service of a front on the LAN: every pledge goes into the front's outbox first
/// (committed to its SQLite file), so a front that cannot reach the service keeps working. The
/// code is made here and the QR shown at once; the outbox uploads pledges with their idempotency
/// keys, oldest first, one at a time, until the service acknowledges each: exactly once, in order.
public actor OutboxPledgeService: PledgeRecorder, PledgeCounter {
    /// What the attendant's mark shows: whether the service answers, and how many pledges wait.
    public struct Link: Sendable, Hashable {
        public var online: Bool
        public var waiting: Int
    }

    let client: any KioskServiceClient
    let outbox: any PledgeOutbox
    let logger: Logger
    /// The monotonic time of back-off and `Retry-After` (a fake one in unit tests).
    let now: @Sendable () -> ContinuousClock.Instant
    public private(set) var links: CertificateLinks
    /// Makes the codes of pledges when the service said its event has a hub (``KioskConfigAnswer/codeIssuer``,
    /// cached in the outbox); nil: the first form, as the service makes them then.
    public private(set) var codeIssuer: CodeIssuer?
    /// The web flow's link with the presence code the service gave in its latest heartbeat answer
    /// (``KioskConfigAnswer/presenceLink``), for the welcome screen; nil while the service cannot be
    /// reached (a phone could not reach it either, and a code goes stale).
    public private(set) var presenceLink: String?
    private var link = Link(online: false, waiting: 0)
    private var onLink: @Sendable (Link) -> Void = { _ in }
    private var onDelivery: @Sendable (PledgeReceipt) -> Void = { _ in }
    /// No upload before this time (after a failure, or a 429's Retry-After).
    private var retryAt: ContinuousClock.Instant?
    private var backoff: Duration = .seconds(1)
    private var running: Task<Void, Never>?
    /// What the last uploads did, by outbox sequence, for ``record`` to read its own.
    private var outcomes: [Int64: UploadOutcome] = [:]
    private var state: KioskState = .ready

    /// The setting under which the certificate link base is cached in the outbox.
    public static let baseSetting = "certificate-base-url"
    /// The setting under which the service's code issuer is cached in the outbox: its JSON, or
    /// empty when the service has none.
    public static let issuerSetting = "certificate-code-issuer"

    /// Opens the service: asks the service for the certificate link base and code issuer (and
    /// caches them in the outbox), or uses the cached ones, or `fallbackBase` (and the first form).
    /// - Throws: ``ClientError`` when none of the three is there.
    /// - Parameter now: the monotonic clock of back-off and `Retry-After`.
    public static func open(
        client: any KioskServiceClient, outbox: any PledgeOutbox, fallbackBase: String?, logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) async throws -> OutboxPledgeService {
        let waiting = (try? await outbox.waitingCount()) ?? 0
        let answer = await client.heartbeat(KioskHeartbeat(state: .ready, waiting: waiting))
        if let answer {
            try? await outbox.setSetting(baseSetting, to: answer.certificateBaseURL)
            await cache(answer.codeIssuer, in: outbox)
            await cache(retention: answer.retainPersonalDataUntil, in: outbox)
        }
        let cached = try? await outbox.setting(baseSetting)
        let issuer: CodeIssuer?
        if let answer { issuer = answer.codeIssuer } else { issuer = await cachedIssuer(in: outbox) }
        guard let base = answer?.certificateBaseURL ?? cached ?? fallbackBase else {
            throw ClientError(
                "cannot reach the service at \(client.baseURL.absoluteString) (or it refused this front's kiosk token: "
                    + "check --kiosk-token-file, KIOSK_KIOSK_TOKEN or service.kioskToken) and no certificate link "
                    + "base is cached yet; "
                    + "start the front once while the service answers, or set service.publicBaseURL")
        }
        let links: CertificateLinks
        do { links = try CertificateLinks(baseURL: base) } catch { throw ClientError(error.message.en) }
        let service = OutboxPledgeService(
            client: client, outbox: outbox, links: links, codeIssuer: issuer, logger: logger, now: now)
        await service.setLink(Link(online: answer != nil, waiting: waiting))
        return service
    }

    init(
        client: any KioskServiceClient, outbox: any PledgeOutbox, links: CertificateLinks,
        codeIssuer: CodeIssuer? = nil, logger: Logger, now: @escaping @Sendable () -> ContinuousClock.Instant
    ) {
        self.client = client
        self.outbox = outbox
        self.links = links
        self.codeIssuer = codeIssuer
        self.logger = logger
        self.now = now
    }

    /// The current link (what ``observeLink(_:)`` last reported).
    public var currentLink: Link { link }

    /// Calls `handler` with every change of the link (and once now).
    public func observeLink(_ handler: @escaping @Sendable (Link) -> Void) {
        onLink = handler
        handler(link)
    }

    /// Calls `handler` with the receipt of every pledge the service commits from the outbox (its
    /// number, and its final link), so a done screen still showing a queued pledge can show them.
    public func observeDeliveries(_ handler: @escaping @Sendable (PledgeReceipt) -> Void) {
        onDelivery = handler
    }

    public func setState(_ state: KioskState) { self.state = state }

    /// Commits the pledge to the outbox, then tries to upload it (unless a back-off or a
    /// `Retry-After` is running): `.recorded` when the service took it now, else `.queued` with
    /// its final code and link. The front's own kiosk id goes with it (``ServiceClient``), so
    /// `kioskID` is not used.
    /// - Throws: ``PledgeError``: the draft's own refusal; `unavailable` when the outbox cannot
    ///   be written; the service's refusal of this very pledge.
    public func record(_ draft: PledgeDraft, key: IdempotencyKey, kioskID: KioskID?, code: CertificateCode?)
        async throws(PledgeError) -> RecordOutcome
    {
        // Checked here, so the outbox holds only pledges the service will take.
        let clean = try draft.validated()
        let entry: OutboxEntry
        do {
            entry = try await outbox.add(
                key: key, draft: clean, code: code ?? codeIssuer?.newCode() ?? CertificateCode.random(), at: Date())
        } catch {
            logger.error("outbox write failed", metadata: ["error": "\(type(of: error))"])
            throw PledgeError(
                .unavailable, vi: "Không lưu được lời cam kết lúc này. Vui lòng thử lại sau giây lát.",
                en: "The pledge could not be saved right now. Please try again in a moment.")
        }
        // Online, the pledge usually goes at once and the signer sees its number; offline, the
        // QR is shown at once and the number waits.
        if !isWaiting { await flush() } else { await refreshWaiting() }
        switch outcomes.removeValue(forKey: entry.sequence) {
        case .recorded(let receipt):
            return .recorded(receipt)
        case .refused(let error):
            throw error
        case .later, .unauthorized, nil:
            return .queued(code: entry.code, certificateUrl: links.certificateURL(for: entry.code))
        }
    }

    public func counts() async throws(PledgeError) -> PledgeCounts {
        guard let counts = await client.counts() else {
            throw PledgeError(.unavailable, vi: "Không kết nối được máy chủ.", en: "The service cannot be reached.")
        }
        return counts
    }

    /// What the service publishes at `GET /api/counts`: ``counts()`` is that already.
    public func publicCounts() async throws(PledgeError) -> PledgeCounts {
        try await counts()
    }

    /// Uploads and sends heartbeats until the task is cancelled.
    public func run(every interval: Duration = .milliseconds(500), heartbeat: Duration = .seconds(5)) async {
        var lastBeat: ContinuousClock.Instant?
        while !Task.isCancelled {
            if lastBeat.map({ now() - $0 >= heartbeat }) ?? true {
                lastBeat = now()
                await sendHeartbeat()
            }
            if !isWaiting { await flush() }
            try? await Task.sleep(for: interval)
        }
    }

    /// One heartbeat now; its answer refreshes the cached link base, code issuer and presence link.
    public func sendHeartbeat() async {
        let waiting = (try? await outbox.waitingCount()) ?? link.waiting
        if let answer = await client.heartbeat(KioskHeartbeat(state: state, waiting: waiting)) {
            if answer.certificateBaseURL != links.baseURL,
                let fresh = try? CertificateLinks(baseURL: answer.certificateBaseURL)
            {
                links = fresh
            }
            try? await outbox.setSetting(Self.baseSetting, to: answer.certificateBaseURL)
            await Self.cache(retention: answer.retainPersonalDataUntil, in: outbox)
            if answer.codeIssuer != codeIssuer {
                codeIssuer = answer.codeIssuer
                await Self.cache(answer.codeIssuer, in: outbox)
            }
            presenceLink = answer.presenceLink
            if !link.online { retryAt = nil }
            setLink(Link(online: true, waiting: waiting))
        } else {
            presenceLink = nil
            setLink(Link(online: false, waiting: waiting))
        }
    }

    /// Uploads waiting pledges in order, stopping at the first that cannot go now. One upload
    /// round runs at a time. A caller that finds one running waits for it and then runs its own:
    /// the running round read the outbox before this call, so it may miss a pledge queued just
    /// before it (a round started after the call reads every one, so its end is enough).
    public func flush() async {
        if let earlier = running { await earlier.value }
        if let later = running {
            await later.value
            return
        }
        let task = Task { await self.uploadRound() }
        running = task
        await task.value
    }

    /// Whether a back-off or a `Retry-After` holds uploads back now.
    var isWaiting: Bool { retryAt.map { now() < $0 } ?? false }

    private func uploadRound() async {
        defer { running = nil }
        let entries: [OutboxEntry]
        do { entries = try await outbox.waiting() } catch {
            logger.error("outbox read failed", metadata: ["error": "\(type(of: error))"])
            return
        }
        if let skipped = try? await outbox.unreadable(), !skipped.isEmpty {
            // Kept in the file for an organizer; the pledges behind them still go.
            logger.error("outbox rows cannot be read; kept and skipped", metadata: ["outbox.sequences": "\(skipped)"])
        }
        // Nothing sent, nothing learnt: whether the service answers is the heartbeat's to say.
        guard !entries.isEmpty else {
            setLink(Link(online: link.online, waiting: 0))
            return
        }
        var left = entries.count
        for entry in entries {
            // Stamped with the time the signer pledged here, not the time it reached the service.
            var signed = entry.draft
            signed.signedAt = entry.createdAt
            let outcome = await client.record(signed, key: entry.key, code: entry.code)
            outcomes[entry.sequence] = outcome
            switch outcome {
            case .recorded(let receipt):
                try? await outbox.remove(sequence: entry.sequence)
                left -= 1
                backoff = .seconds(1)
                logger.info(
                    "outbox pledge delivered",
                    metadata: ["pledge.id": "\(receipt.id)", "pledge.number": "\(receipt.number)"])
                setLink(Link(online: true, waiting: left))
                onDelivery(receipt)
            case .refused(let error):
                // Refused for good: kept no longer (no name stays on the kiosk), said in the log.
                try? await outbox.remove(sequence: entry.sequence)
                left -= 1
                logger.error("outbox pledge refused by the service", metadata: ["pledge.refusal": "\(error.code)"])
                setLink(Link(online: true, waiting: left))
            case .later(let seconds, let reachable):
                let wait = seconds.map { Duration.seconds($0) } ?? backoff
                if seconds == nil { backoff = min(backoff * 2, .seconds(8)) }
                retryAt = now() + wait
                setLink(Link(online: reachable, waiting: left))
                return
            case .unauthorized:
                // Kept and retried: once the token is fixed (and the front restarted) they all go.
                logger.error(
                    """
                    the service refused this front's kiosk token; give it the service's (--kiosk-token-file, \
                    KIOSK_KIOSK_TOKEN or service.kioskToken); pledges stay in the outbox
                    """)
                retryAt = now() + backoff
                backoff = min(backoff * 2, .seconds(8))
                // Shown to the attendant as offline: nothing reaches the service.
                setLink(Link(online: false, waiting: left))
                return
            }
        }
        setLink(Link(online: true, waiting: 0))
    }

    /// Keeps `issuer` (nil: none) in the outbox's settings, for a start while the service cannot be reached.
    static func cache(_ issuer: CodeIssuer?, in outbox: any PledgeOutbox) async {
        let text = issuer.flatMap { try? WireJSON.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? await outbox.setSetting(issuerSetting, to: text)
    }

    /// The issuer ``cache(_:in:)`` kept; nil when none was, or it cannot be read.
    static func cachedIssuer(in outbox: any PledgeOutbox) async -> CodeIssuer? {
        guard let text = try? await outbox.setting(issuerSetting), !text.isEmpty else { return nil }
        return try? WireJSON.decode(CodeIssuer.self, from: Data(text.utf8))
    }

    private func refreshWaiting() async {
        let waiting = (try? await outbox.waitingCount()) ?? link.waiting
        setLink(Link(online: link.online, waiting: waiting))
    }

    private func setLink(_ new: Link) {
        guard new != link else { return }
        link = new
        onLink(new)
    }
}

/// A front that cannot start. Printed as "Error: …".
public struct ClientError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
