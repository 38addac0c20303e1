import HTTPTypes
@_spi(Internal) import Hummingbird

/// 405 with `Allow` (RFC 9110, 15.5.6) for a method a route does not take, instead of 404.
///
/// Made from the router's own routes once they are all added (the service's router adds it last),
/// and resolved by Hummingbird's own trie, so a path matches here exactly when it matches there.
/// Hummingbird puts a middleware added after the routes only in front of its not-found
/// responder: this runs only for requests no route took, and answers 405 when the path has
/// routes for other methods. GET routes take HEAD too (`autoGenerateHeadEndpoints`).
public struct AllowedMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods of each path, sorted.
    let methods: RouterTrie<[HTTPRequest.Method]>
    /// The error thrown for a method the path does not take, from the `Allow` value ("GET, HEAD").
    let refusal: @Sendable (String) -> any Error

    /// - Parameter refusal: the service's 405 for an `Allow` value; it must carry that `Allow` field.
    public init(routes: [Router<Context>.RouteDescription], refusal: @escaping @Sendable (String) -> any Error) {
        self.refusal = refusal
        var byPath: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        let builder = RouterPathTrieBuilder<[HTTPRequest.Method]>()
        for (path, methods) in byPath.values {
            let all = methods.contains(.get) ? methods.union([.head]) : methods
            builder.addEntry(path, value: all.sorted { $0.rawValue < $1.rawValue })
        }
        self.methods = RouterTrie(base: builder)
    }

    /// The methods the route at `path` takes; nil when no route has the path.
    func allowed(_ path: String) -> [HTTPRequest.Method]? {
        methods.resolve(path)?.value
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let allowed = allowed(request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        throw refusal(allowed.map(\.rawValue).joined(separator: ", "))
    }
}
