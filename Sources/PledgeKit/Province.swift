/// One of Vietnam's 34 provincial-level units (6 centrally-run cities and 28 provinces), as they
/// stand from 1 July 2025 (Resolution 202/2025/QH15 of the National Assembly).
///
/// The name, in NFC, is both the display text and the stored value.
public struct Province: Hashable, Codable, Sendable, CustomStringConvertible {
    public let name: String

    private init(uncheckedName: String) { self.name = uncheckedName }

    public var description: String { name }

    /// Finds the unit a text names, or nil when it names none (for example "Hà Tây", merged in 2008).
    ///
    /// The text is matched ignoring case, diacritics, đ/d, spaces and punctuation, and a leading
    /// "Thành phố", "TP." or "Tỉnh", so "ha noi", "hanoi", "HÀ NỘI" and "TP. Hà Nội" all find Hà Nội.
    public init?(matching text: String) {
        // The exact name (what fronts send) finds what its key finds, without making the key.
        if let found = Self.byExactName[text] {
            self = found
            return
        }
        let key = Self.matchKey(text)
        guard !key.isEmpty, let found = Self.byMatchKey[key] else { return nil }
        self = found
    }

    /// Each unit by the ``matchKey(_:)`` of its name (the first of ``all`` when two shared one).
    private static let byMatchKey: [String: Province] = Dictionary(
        all.map { (matchKey($0.name), $0) }, uniquingKeysWith: { first, _ in first })

    /// What ``init(matching:)`` finds by the key of each unit's name, by that name. (String keys
    /// also take canonically equivalent texts, NFD for one; their key is the same, as the key
    /// starts from NFD.)
    private static let byExactName: [String: Province] = Dictionary(
        all.map { ($0.name, byMatchKey[matchKey($0.name)]!) }, uniquingKeysWith: { first, _ in first })

    static func matchKey(_ text: String) -> String {
        var key = String(VietnameseText.searchKey(text).unicodeScalars.filter(\.properties.isAlphabetic))
        for prefix in ["thanhpho", "tinh", "tp"]
        where key != "tphcm" && key.hasPrefix(prefix) && key.count > prefix.count + 2 {
            key.removeFirst(prefix.count)
            break
        }
        return key
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let province = Province(matching: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not one of the 34 provincial-level units: \(text)")
            )
        }
        self = province
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// The six centrally-run cities, then the 28 provinces, in the order of the 2025 resolution.
    public static let all: [Province] = [
        "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế",
        "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn",
        "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa",
        "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
        "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
    ].map { Province(uncheckedName: VietnameseText.nfc($0)) }
}
