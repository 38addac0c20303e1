// `kiosk-bench seed`: a deterministic data set of pledges in the store's real schema, for the
// export (B4) and breakdown (B5) benchmarks. The same --pledges and --seed give the same file
// contents (ids, codes, names, times), so a cached file can stand in for a new one.
//
//   kiosk-bench seed --pledges N --seed S --database FILE [--event ID]
import ArgumentParser
import Foundation
import KioskTestSupport
import PledgeKit
import PledgeStore

struct SeedOptions: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "A database of N seeded pledges.")

    func run() throws { try seedBench(self) }

    @Option var pledges = 1_000_000
    @Option var seed: UInt64 = 42
    @Option var database: String?
    @Option(name: .customLong("event")) var eventID = "bench-event"
}

/// Writes the data set to a hidden file beside `--database` and renames it into place when the
/// store has closed, so an interrupted run never leaves a half-made file at the cached path.
func seedBench(_ options: SeedOptions) throws {
    guard let path = options.database else {
        log("kiosk-bench seed: --database FILE is required")
        exit(2)
    }
    let url = URL(fileURLWithPath: path)
    let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
    let store = try PledgeStore(
        path: partial, eventID: options.eventID, defaultKioskID: "kiosk-01",
        links: try CertificateLinks(baseURL: "https://khongmotminh.example.vn"))
    var loaded = 0
    let time = try seconds {
        loaded = try store.load(GeneratedPledges(count: options.pledges, seed: options.seed, eventID: options.eventID))
        try store.close()
    }
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.moveItem(atPath: partial, toPath: path)
    log("seeded \(loaded) pledges (seed \(options.seed)) into \(path) in \(f(time)) s")
    print(f(time, 2))
}

/// A deterministic stream of realistic pledges: twelve kiosks at venues in different provinces,
/// three weeks from the launch on 10 October 2025, open 07:00–21:00 Vietnam time with a busy
/// launch day and busier weekends; most signers from the kiosk's own province; about half give a
/// name (most with Vietnamese diacritics, some typed without), some a school (a few with a comma,
/// which CSV must quote); numbers follow the time order.
struct GeneratedPledges: Sequence {
    let count: Int
    let seed: UInt64
    let eventID: String

    static let kiosks: [(id: String, home: Province)] = [
        "Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế", "Nghệ An", "Thanh Hóa",
        "Khánh Hòa", "Đồng Nai", "Lâm Đồng", "Quảng Ninh",
    ].enumerated().map { index, name in
        (String(format: "kiosk-%02d", index + 1), Province(matching: name)!)
    }
    static let families = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
        "Dương", "Lý",
    ]
    static let middles = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thu", "Hoàng", "Quang", "Thanh", "Gia", "Bảo", "Hữu"]
    static let givens = [
        "An", "Anh", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khánh",
        "Linh", "Long", "Mai", "Nam", "Ngân", "Nhung", "Phong", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo",
        "Thủy", "Trang", "Trung", "Tú", "Tuấn", "Uyên", "Việt", "Vy", "Yến", "Ẩn", "Đạt",
    ]
    static let schools = [
        "Trường THCS Lê Lợi", "Trường THPT Chu Văn An", "Trường THPT Nguyễn Huệ, Huế", "Trường THCS Trưng Vương",
        "Đại học Bách khoa Hà Nội", "Trường THPT chuyên Lê Hồng Phong", "Đại học Cần Thơ",
        "Trường THCS Nguyễn Du, quận 1",
    ]
    /// Age bands with their weights (percent): most signers are 12–24, the campaign's audience.
    static let bands: [(AgeBand, Int)] = [
        (.under12, 6), (.from12To15, 32), (.from16To17, 24), (.from18To24, 30), (.from25, 8),
    ]
    /// 10 October 2025, 00:00 in Vietnam (UTC+7).
    static let firstDay = Date(timeIntervalSince1970: 1_760_029_200)
    static let days = 21

    /// The weight of each hour of the three weeks (Vietnam time): the cumulative sums map an
    /// even spread of pledge indexes onto busy and quiet hours, so times rise with numbers.
    static let cumulativeHours: [Double] = {
        var total = 0.0
        return (0..<(days * 24)).map { index in
            let (day, hour) = index.quotientAndRemainder(dividingBy: 24)
            var weight = (7..<21).contains(hour) ? 1.0 + 0.5 * sin(Double(hour - 7) / 14 * .pi) : 0
            if day == 0 { weight *= 3 }
            if day % 7 == 1 || day % 7 == 2 { weight *= 1.6 }  // 11–12 October 2025 was a weekend.
            total += weight
            return total
        }
    }()

    func makeIterator() -> AnyIterator<(pledge: Pledge, key: IdempotencyKey)> {
        var random = SplitMix64(seed: seed)
        var index = 0
        var hourIndex = 0
        let total = Self.cumulativeHours.last!
        let families = Self.families.map(VietnameseText.nfc)
        let middles = Self.middles.map(VietnameseText.nfc)
        let givens = Self.givens.map(VietnameseText.nfc)
        let schools = Self.schools.map(VietnameseText.nfc)
        let plainFamilies = families.map { VietnameseText.searchKey($0).capitalized }
        let plainGivens = givens.map { VietnameseText.searchKey($0).capitalized }
        return AnyIterator {
            guard index < count else { return nil }
            defer { index += 1 }
            // Time: the (index + jitter)-th share of the weighted hours.
            let target = (Double(index) + random.unit()) / Double(count) * total
            while hourIndex < Self.cumulativeHours.count - 1 && Self.cumulativeHours[hourIndex] <= target {
                hourIndex += 1
            }
            let before = hourIndex == 0 ? 0 : Self.cumulativeHours[hourIndex - 1]
            let within = (target - before) / (Self.cumulativeHours[hourIndex] - before)
            let created = Self.firstDay.addingTimeInterval((Double(hourIndex) + Swift.min(within, 0.9999)) * 3600)

            let kiosk = Self.kiosks[random.below(Self.kiosks.count)]
            let roll = random.below(100)
            let province: Province? =
                roll < 75
                ? kiosk.home
                : roll < 95
                    ? Province.all[Swift.min(random.below(Province.all.count), random.below(Province.all.count))] : nil
            var pick = random.below(100)
            let band = Self.bands.first {
                pick -= $0.1
                return pick < 0
            }!.0
            var name: String?
            switch random.below(100) {
            case 0..<45:
                name =
                    "\(families[random.below(families.count)]) \(middles[random.below(middles.count)]) "
                    + givens[random.below(givens.count)]
            case 45..<52:  // Typed without diacritics.
                name = "\(plainFamilies[random.below(families.count)]) Van \(plainGivens[random.below(givens.count)])"
            default: name = nil
            }
            let school = band != .from25 && random.below(100) < 30 ? schools[random.below(schools.count)] : nil
            let consent = band.needsGuardianConsent && (name != nil || school != nil) ? true : random.below(10) == 0
            var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes[6] = bytes[6] & 0x0F | 0x40  // A version-4 UUID (RFC 9562), as UUID() makes.
            bytes[8] = bytes[8] & 0x3F | 0x80
            let id = UUID(
                uuid: (
                    bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                    bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
                ))
            let pledge = Pledge(
                id: id, eventID: eventID, kioskID: kiosk.id, number: index + 1, name: name, ageBand: band,
                province: province, school: school, guardianConsent: consent, createdAt: created,
                code: CertificateCode.random(using: &random))
            return (pledge, try! IdempotencyKey("seed-\(seed)-\(index + 1)"))
        }
    }
}
