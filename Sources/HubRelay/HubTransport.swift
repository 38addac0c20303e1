import Foundation
import KioskAPI
import PledgeKit
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the hub said to one batch, as the relay acts on it.
public enum HubAnswer: Sendable, Equatable {
    /// 200: committed; rows up to `acknowledged` are at the hub.
    case acknowledged(SyncAcknowledgement)
    /// 422 `rows-refused`: nothing applied; these rows break the hub's rules for good.
    case refused([SyncRefusedRow])
    /// 413: the batch is too large; nothing applied.
    case tooLarge
    /// Not now: the hub cannot be reached, timed out, or answered 408, 429 or 5xx; try again
    /// after `retryAfter` when it said (`Retry-After`), else after the back-off.
    case later(retryAfter: Duration?, reason: String)
    /// 409 `sequence-gap`: the hub's next sequence for the event is `expected`, before the
    /// batch's first row; nothing applied.
    case sequenceGap(expected: Int, reason: String)
    /// Refused for a reason sending again will not fix soon (404 unknown event, another 4xx): the
    /// organizer has to look; retried at the back-off.
    case failed(reason: String)
    /// 401 or 403: the hub does not take this event's sync token (a mistyped or replaced token);
    /// retried at the back-off, and a service that hears it at its start does not start.
    case tokenRefused(reason: String)
}

/// Sends a batch to the hub (``HTTPHubTransport`` over HTTP).
public protocol HubTransport: Sendable {
    func send(_ batch: SyncBatch) async -> HubAnswer
}

/// `POST {hub}/api/sync/batches` with the event's sync token as a bearer token, over
/// Foundation's `URLSession`. A cancelled task cancels its request.
public struct HTTPHubTransport: HubTransport {
    let endpoint: URL
    let token: String
    let session: URLSession

    /// - Parameters:
    ///   - hub: the hub's URL and the event's sync token (`EventConfiguration.hub`).
    ///   - timeout: the longest wait for one answer, in seconds.
    /// - Throws: ``PledgeError`` `invalid-request` when the hub's URL is not a URL.
    public init(hub: EventConfiguration.HubLink, timeout: TimeInterval = 30) throws(PledgeError) {
        guard let base = URL(string: hub.url) else {
            throw PledgeError(
                .invalidRequest, field: "hub.url", vi: "hub.url không phải là một địa chỉ URL.",
                en: "hub.url is not a URL.")
        }
        endpoint = base.appendingPathComponent(APIPath.syncBatches)
        token = hub.token
        self.timeout = timeout
        session = Self.sharedSession
    }

    /// One session for every transport of the process: a session holds file descriptors until it
    /// is invalidated, and a test run that made one per transport ran out of low descriptor numbers.
    static let sharedSession = URLSession(configuration: .ephemeral)
    /// The longest wait for one answer, in seconds (each request's timeout).
    let timeout: TimeInterval

    public func send(_ batch: SyncBatch) async -> HubAnswer {
        var request = URLRequest(url: endpoint, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue(MediaType.json, forHTTPHeaderField: HeaderName.contentType)
        request.setValue(HeaderName.bearer(token), forHTTPHeaderField: HeaderName.authorization)
        do { request.httpBody = try WireJSON.encode(batch) } catch {
            return .failed(reason: "không mã hóa được lô · the batch could not be encoded")
        }
        switch await perform(request) {
        case .failure(let failure):
            return .later(
                retryAfter: nil, reason: "không kết nối được hub · the hub cannot be reached (\(failure.reason))")
        case .success(let reply):
            return Self.answer(status: reply.status, data: reply.data, retryAfter: reply.retryAfter)
        }
    }

    /// What came back of one request, in Sendable values.
    struct Reply: Sendable {
        var status: Int
        var data: Data
        var retryAfter: String?
    }

    struct NoReply: Error {
        var reason: String
    }

    /// A data task that a cancelled Swift task cancels (so a service stops at once).
    private func perform(_ request: URLRequest) async -> Result<Reply, NoReply> {
        let box = TaskBox()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Reply, NoReply>, Never>) in
                let task = session.dataTask(with: request) { data, response, error in
                    guard let response = response as? HTTPURLResponse, let data else {
                        let code = (error as? URLError).map { "URLError \($0.code.rawValue)" } ?? "no answer"
                        continuation.resume(returning: .failure(NoReply(reason: code)))
                        return
                    }
                    continuation.resume(
                        returning: .success(
                            Reply(
                                status: response.statusCode, data: data,
                                retryAfter: response.value(forHTTPHeaderField: HeaderName.retryAfter))))
                }
                box.start(task)
            }
        } onCancel: {
            box.cancel()
        }
    }

    /// The answer to a status, a body and a `Retry-After` value.
    static func answer(status: Int, data: Data, retryAfter: String?, now: Date = Date()) -> HubAnswer {
        let problem = try? WireJSON.decode(HubProblem.self, from: data)
        let words = problem?.describe(status: status) ?? "HTTP \(status)"
        switch status {
        case 200:
            guard let acknowledgement = try? WireJSON.decode(SyncAcknowledgement.self, from: data) else {
                return .later(
                    retryAfter: nil,
                    reason: "hub trả lời 200 mà không có xác nhận đọc được · "
                        + "HTTP 200 without a readable acknowledgement")
            }
            return .acknowledged(acknowledgement)
        case 413:
            return .tooLarge
        case 422 where problem?.refused?.isEmpty == false:
            return .refused(problem?.refused ?? [])
        case 401, 403:
            return .tokenRefused(reason: words)
        case 409 where problem?.code == "sequence-gap" && problem?.expected != nil:
            return .sequenceGap(expected: problem?.expected ?? 0, reason: words)
        case 408, 429, 500...599:
            return .later(retryAfter: retryAfter.flatMap { Self.delay($0, now: now) }, reason: words)
        default:
            return .failed(reason: words)
        }
    }

    /// A `Retry-After` value (RFC 9110, 10.2.3): seconds, or an HTTP date; nil when unreadable.
    static func delay(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingWhitespace()
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(now).rounded(.up))))
    }
}

/// The members of the hub's problem details the relay reads (RFC 9457 plus `code`, `messages`,
/// `refused` of a 422, `expected` of a 409).
struct HubProblem: Decodable {
    var code: String?
    var detail: String?
    var messages: Messages?
    var refused: [SyncRefusedRow]?
    var expected: Int?

    struct Messages: Decodable {
        var vi: String?
        var en: String?
    }

    /// `HTTP 409 sequence-gap (expected 5): <Vietnamese text> · <English text>`: the hub's words
    /// (Vietnamese first, as organizers read `kiosk status` and `/admin`), which name no signer.
    func describe(status: Int) -> String {
        var text = "HTTP \(status)"
        if let code { text += " \(code)" }
        if let expected { text += " (expected \(expected))" }
        let words = [messages?.vi, messages?.en ?? detail].compactMap { $0 }.filter { !$0.isEmpty }
        if !words.isEmpty { text += ": " + words.joined(separator: " · ") }
        return text
    }
}

/// The data task of one request, for the cancellation handler.
final class TaskBox: Sendable {
    private let state = Mutex<(task: URLSessionDataTask?, cancelled: Bool)>((nil, false))

    func start(_ task: URLSessionDataTask) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
        task.resume()
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            return state.task
        }?.cancel()
    }
}
