import Foundation

/// A dimension pledges can be counted by. Raw values are what `--by` and `?by=` accept.
///
/// `day` and `hour` are Vietnam time (UTC+7 all year, no daylight saving): organizers report
/// by local day. The store keeps hours in UTC and converts when it groups.
public enum CountDimension: String, CaseIterable, Codable, Sendable {
    case event
    case kiosk
    case day
    case hour
    case ageBand = "age-band"
    case province
    /// `kiosk` or `phone` (``PledgeChannel``), from the kiosk id.
    case channel

    /// Parses a comma-separated list such as `event,age-band`; duplicates are dropped, order kept.
    /// - Throws: ``PledgeError`` (`invalid-request`, field `by`) naming the unknown dimension.
    public static func list(_ text: String) throws(PledgeError) -> [CountDimension] {
        var result: [CountDimension] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let dimension = CountDimension(rawValue: name == "ageband" ? "age-band" : name) else {
                throw PledgeError(
                    .invalidRequest, field: "by",
                    vi: "Không có chiều thống kê “\(name)”. Chọn trong: \(allNames).",
                    en: "Unknown dimension “\(name)”. Choose from: \(allNames)."
                )
            }
            if !result.contains(dimension) { result.append(dimension) }
        }
        return result
    }

    /// `event, kiosk, day, hour, age-band, province, channel`.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
