import Foundation
import PledgeKit

/// The body of `POST /api/pledges/search`: `{"name": string, "limit": integer}`, `limit`
/// optional (``defaultLimit``), 1 to ``SignerSearch/maximumLimit``. The name travels in the body,
/// never in the URL, so no access log keeps it. Any other member is refused.
public struct SignerSearchRequest: StrictlyDecodable, Encodable, Sendable, Equatable {
    public var name: String?
    public var limit: Int?

    /// The results a request without `limit` gets.
    public static let defaultLimit = 10
    public static let members: Set<String> = ["name", "limit"]

    public init(name: String, limit: Int?) {
        self.name = name
        self.limit = limit
    }

    enum CodingKeys: String, CodingKey {
        case name, limit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        // Read as a number, then checked whole: Foundation's decoder refuses 2.5 for an Int
        // without naming the member, and the problem detail should name it.
        limit = try container.decodeIfPresent(Double.self, forKey: .limit).map { number in
            guard let whole = Int(exactly: number) else {
                throw DecodingError.typeMismatch(
                    Int.self, .init(codingPath: [CodingKeys.limit], debugDescription: "not a whole number"))
            }
            return whole
        }
    }

    /// Parses and checks a body (``StrictJSON``; the name by ``SignerSearch/check(_:)``).
    /// - Throws: ``PledgeError``: `malformed-json`, or `invalid-request` naming the member at fault.
    public static func parse(_ data: Data) throws(PledgeError) -> (name: String, limit: Int) {
        let body = try StrictJSON.decode(
            SignerSearchRequest.self, from: data, what: Localized(vi: "yêu cầu tìm tên", en: "a name search"))
        guard let name = body.name else {
            throw PledgeError(
                .invalidRequest, field: "name", vi: "Cần có tên cần tìm (name).", en: "The name to find is required.")
        }
        let limit = body.limit ?? defaultLimit
        guard (1...SignerSearch.maximumLimit).contains(limit) else {
            throw PledgeError(
                .invalidRequest, field: "limit",
                vi: "Số kết quả (limit) phải từ 1 đến \(SignerSearch.maximumLimit).",
                en: "The limit must be 1 to \(SignerSearch.maximumLimit).")
        }
        return (try SignerSearch.check(name), limit)
    }
}

/// The answer of `POST /api/pledges/search`: `{"pledges": [FoundSigner]}`, in Vietnamese
/// alphabetical order.
public struct SignerSearchAnswer: Codable, Sendable, Equatable {
    public var pledges: [FoundSigner]

    public init(pledges: [FoundSigner]) { self.pledges = pledges }
}

/// One found pledge on the wire: `{"certificateUrl": string, "code": string, "id": UUID string,
/// "name": string, "number": integer, "signedAt": RFC 3339 string in UTC with milliseconds}`.
extension FoundSigner: Codable {
    enum CodingKeys: String, CodingKey {
        case certificateUrl, code, id, name, number, signedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .signedAt)
        guard let signedAt = PledgeRequestBody.dateTime(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .signedAt, in: container, debugDescription: "not an RFC 3339 date-time")
        }
        self.init(
            id: try container.decode(UUID.self, forKey: .id), name: try container.decode(String.self, forKey: .name),
            number: try container.decode(Int.self, forKey: .number), signedAt: signedAt,
            code: try container.decode(CertificateCode.self, forKey: .code),
            certificateUrl: try container.decode(String.self, forKey: .certificateUrl))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(certificateUrl, forKey: .certificateUrl)
        try container.encode(code, forKey: .code)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(number, forKey: .number)
        try container.encode(
            signedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), forKey: .signedAt)
    }
}
