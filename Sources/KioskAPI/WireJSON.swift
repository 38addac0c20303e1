import Foundation

/// The one way the API writes JSON (RFC 8259): Foundation's `JSONEncoder`, members in sorted
/// order and slashes unescaped, so answers are stable byte for byte and links read as links.
public enum WireJSON {
    /// `value` as JSON text; dates, when `iso8601Dates`, as ISO 8601 strings (otherwise as the
    /// encoder's default number); indented on several lines when `pretty` (the CLI's `--format json`).
    public static func encode(_ value: some Encodable, iso8601Dates: Bool = false, pretty: Bool = false) throws
        -> Data
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { encoder.outputFormatting.insert(.prettyPrinted) }
        if iso8601Dates { encoder.dateEncodingStrategy = .iso8601 }
        return try encoder.encode(value)
    }

    /// Reads an answer of the service (the client's side; request bodies go through ``StrictJSON``).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}

/// Media types of the API.
public enum MediaType {
    public static let json = "application/json"
    /// What JSON answers say they are.
    public static let jsonUTF8 = "application/json; charset=utf-8"
    /// Problem details (RFC 9457, 3).
    public static let problemJSON = "application/problem+json; charset=utf-8"

    /// Whether a request's `Content-Type` is `application/json`, with no parameter but
    /// `charset=utf-8` (RFC 8259, 8.1: JSON is UTF-8). A missing Content-Type is taken as JSON,
    /// for simple clients.
    public static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return true }
        if contentType == json { return true }
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first == "application/json" else { return false }
        return parts.dropFirst().allSatisfy { $0.replacingOccurrences(of: "\"", with: "") == "charset=utf-8" }
    }

    /// Whether a request's `Content-Type` is an HTML form's, `application/x-www-form-urlencoded`
    /// (any parameter, which the media type does not define, ignored).
    public static func isForm(_ contentType: String?) -> Bool {
        contentType?.lowercased().split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            == "application/x-www-form-urlencoded"
    }
}
