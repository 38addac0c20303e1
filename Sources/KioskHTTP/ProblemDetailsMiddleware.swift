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
        } catch let problem as ProblemDetails {
            throw problem
        } catch is RequestBodyTimeout {
            throw ProblemDetails.requestTimeout
        } catch is ServiceStopping {
            throw ProblemDetails.serviceStopping
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.bodyTooLarge
        } catch is HTTPParserError {
            // A malformed body (a bad chunk size, an unknown transfer coding) is the client's error.
            throw ProblemDetails.badRequest
        } catch let error as HTTPError {
            switch error.status {
            case .notFound: throw ProblemDetails.notFound
            case .contentTooLarge: throw ProblemDetails.bodyTooLarge
            default:
                throw ProblemDetails(
                    status: error.status, code: "http-\(error.status.code)",
                    vi: "Yêu cầu không hợp lệ (\(error.status.code)).", en: error.status.reasonPhrase
                )
            }
        } catch let error as any HTTPResponseError {
            throw ProblemDetails(
                status: error.status, code: "http-\(error.status.code)",
                vi: "Yêu cầu không hợp lệ (\(error.status.code)).", en: error.status.reasonPhrase
            )
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            throw ProblemDetails.internalError
        }
    }
}
