import Foundation
import PledgeKit

/// The receipt on the wire, the body of a 201 answer to `POST /api/pledges`:
/// `{"certificateUrl": string, "code": string, "id": UUID string, "number": integer}`, written by
/// ``WireJSON`` (members sorted) and read by a front's client.
extension PledgeReceipt: Codable {
    enum CodingKeys: String, CodingKey {
        case certificateUrl, code, id, number
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(UUID.self, forKey: .id), number: try container.decode(Int.self, forKey: .number),
            code: try container.decode(CertificateCode.self, forKey: .code),
            certificateUrl: try container.decode(String.self, forKey: .certificateUrl))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(certificateUrl, forKey: .certificateUrl)
        try container.encode(code, forKey: .code)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
    }
}

/// `{"state": "ready"|…, "waiting": integer}`: the body of `POST /api/kiosks/{id}/heartbeat`,
/// read strictly by the service.
extension KioskHeartbeat: StrictlyDecodable {
    public static let members: Set<String> = ["state", "waiting"]
}
