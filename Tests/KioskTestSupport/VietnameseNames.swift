/// Vietnamese names as three kinds of keyboard send them, with the NFC form that must be stored.
///
/// `nfd` is fully decomposed (base letter + every mark); `mixed` is what some Telex/VNI input
/// methods emit: a precomposed vowel (â, ê, ô, ă, ơ, ư) followed by a separate combining tone mark.
/// Written with escapes so the bytes are visible and no editor can normalize them.
public struct VietnameseName: Sendable, CustomStringConvertible {
    public let nfc: String
    public let nfd: String
    public let mixed: String
    public var description: String { nfc }
}

public let vietnameseNames: [VietnameseName] = [
    // Nguyễn Thị Ánh
    VietnameseName(
        nfc: "Nguy\u{1EC5}n Th\u{1ECB} \u{00C1}nh",
        nfd: "Nguye\u{0302}\u{0303}n Thi\u{0323} A\u{0301}nh",
        mixed: "Nguy\u{00EA}\u{0303}n Thi\u{0323} A\u{0301}nh"
    ),
    // Đặng Văn Lâm
    VietnameseName(
        nfc: "\u{0110}\u{1EB7}ng V\u{0103}n L\u{00E2}m",
        nfd: "\u{0110}a\u{0306}\u{0323}ng Va\u{0306}n La\u{0302}m",
        mixed: "\u{0110}\u{0103}\u{0323}ng V\u{0103}n L\u{00E2}m"
    ),
    // Đỗ Hữu Nghĩa
    VietnameseName(
        nfc: "\u{0110}\u{1ED7} H\u{1EEF}u Ngh\u{0129}a",
        nfd: "\u{0110}o\u{0302}\u{0303} Hu\u{031B}\u{0303}u Nghi\u{0303}a",
        mixed: "\u{0110}\u{00F4}\u{0303} H\u{01B0}\u{0303}u Nghi\u{0303}a"
    ),
    // Phạm Quốc Khánh
    VietnameseName(
        nfc: "Ph\u{1EA1}m Qu\u{1ED1}c Kh\u{00E1}nh",
        nfd: "Pha\u{0323}m Quo\u{0302}\u{0301}c Kha\u{0301}nh",
        mixed: "Pha\u{0323}m Qu\u{00F4}\u{0301}c Kha\u{0301}nh"
    ),
    // Lê Thị Ngọc Ẩn — stacked marks ẫ/ặ-like: Ẩ = A + circumflex + hook above
    VietnameseName(
        nfc: "L\u{00EA} Th\u{1ECB} Ng\u{1ECD}c \u{1EA8}n",
        nfd: "Le\u{0302} Thi\u{0323} Ngo\u{0323}c A\u{0302}\u{0309}n",
        mixed: "L\u{00EA} Thi\u{0323} Ngo\u{0323}c \u{00C2}\u{0309}n"
    ),
]
