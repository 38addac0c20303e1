extension Province {
    /// The provinces merged into each unit on 1 July 2025 (Resolution 202/2025/QH15), and common
    /// other names, so a signer who still says "Bình Dương" or "Sài Gòn" finds their unit.
    /// The 11 units that did not change have none.
    public static let formerNames: [String: [String]] = [
        "Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu", "Sài Gòn", "TP HCM", "HCM"],
        "Hải Phòng": ["Hải Dương"],
        "Đà Nẵng": ["Quảng Nam"],
        "Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
        "Tuyên Quang": ["Hà Giang"],
        "Lào Cai": ["Yên Bái"],
        "Thái Nguyên": ["Bắc Kạn"],
        "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"],
        "Bắc Ninh": ["Bắc Giang"],
        "Hưng Yên": ["Thái Bình"],
        "Ninh Bình": ["Hà Nam", "Nam Định"],
        "Quảng Trị": ["Quảng Bình"],
        "Quảng Ngãi": ["Kon Tum"],
        "Gia Lai": ["Bình Định"],
        "Khánh Hòa": ["Ninh Thuận"],
        "Lâm Đồng": ["Đắk Nông", "Bình Thuận"],
        "Đắk Lắk": ["Phú Yên"],
        "Đồng Nai": ["Bình Phước"],
        "Tây Ninh": ["Long An"],
        "Vĩnh Long": ["Bến Tre", "Trà Vinh"],
        "Đồng Tháp": ["Tiền Giang"],
        "Cà Mau": ["Bạc Liêu"],
        "An Giang": ["Kiên Giang"],
    ]

    /// One row of a search: the unit, and the former name it was found by, if any.
    public struct SearchMatch: Hashable, Sendable {
        public let province: Province
        public let formerName: String?
    }

    /// The units whose name, or a former name, contains `text` (ignoring case, diacritics, đ/d,
    /// spaces and punctuation): those whose name starts with it first, then other name matches,
    /// then matches by a former name, each in the order of ``all``.
    public static func search(_ text: String) -> [SearchMatch] {
        let key = matchKey(text)
        guard !key.isEmpty else { return all.map { SearchMatch(province: $0, formerName: nil) } }
        var starts: [SearchMatch] = []
        var contains: [SearchMatch] = []
        var former: [SearchMatch] = []
        for province in all {
            let name = matchKey(province.name)
            if name.hasPrefix(key) {
                starts.append(SearchMatch(province: province, formerName: nil))
            } else if name.contains(key) {
                contains.append(SearchMatch(province: province, formerName: nil))
            } else if let old = formerNames[province.name]?.first(where: { matchKey($0).contains(key) }) {
                former.append(SearchMatch(province: province, formerName: old))
            }
        }
        return starts + contains + former
    }
}
