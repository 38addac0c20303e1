import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServerHardening

/// Turns every error that reaches the top of the router into an RFC 9457 problem detail, so no
/// client ever sees a framework's plain-text error or an SQL message.
public struct ProblemDetailsMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            throw Self.problem(for: error, logger: context.logger)
        }
    }

    /// The problem detail of an error (synchronous: its values live on the thread's stack, not
    /// in the async frame every connection's task keeps at its deepest, H3 in BENCHMARKS.md).
    static func problem(for error: any Error, logger: Logger) -> ProblemDetails {
        switch error {
        case let problem as ProblemDetails:
            return problem
        case is RequestBodyTimeout:
            return .requestTimeout
        case is ServiceStopping:
            return .serviceStopping
        case is NIOTooManyBytesError:
            return .bodyTooLarge
        case is HTTPParserError:
            // A malformed body (a bad chunk size, an unknown transfer coding) is the client's error.
            return .badRequest
        case let error as HTTPError:
            switch error.status {
            case .notFound: return .notFound
            case .contentTooLarge: return .bodyTooLarge
            default: return generic(error.status)
            }
        case let error as any HTTPResponseError:
            return generic(error.status)
        default:
            logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return .internalError
        }
    }

    static func generic(_ status: HTTPResponse.Status) -> ProblemDetails {
        ProblemDetails(
            status: status, code: "http-\(status.code)", vi: "Yêu cầu không hợp lệ (\(status.code)).",
            en: status.reasonPhrase)
    }
}
