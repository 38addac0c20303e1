import Foundation

/// The event a kiosk serves and how it is reached: `Kiosk/event.yaml`, edited by organizers.
public struct EventConfiguration: Sendable, Equatable {
    /// A stable id for the event, stored with every pledge, e.g. `launch-2025-hanoi`.
    public var eventID: String
    public var name: String
    public var place: String
    /// The day of the event (`event.date`, written `yyyy-MM-dd`).
    public var date: CivilDate
    /// This kiosk's id, stored with pledges made here.
    public var kioskID: String
    /// The language a new attendee first sees.
    public var language: Language
    public var host: String
    public var port: Int
    /// The base of certificate links, e.g. `https://khongmotminh.vn`; nil: this machine's LAN address.
    public var publicBaseURL: String?
    public var pledgeText: PledgeText
    public var resources: [SafetyResource]
    /// The folder of Mustache page templates (`certificate.mustache`, `resources.mustache`).
    public var templatesFolder: URL
    /// Every text of the terminal front, in both languages (`Kiosk/front.yaml`).
    public var frontTextFile: URL
    /// The folder of this event's certificate templates (`share.svg`, `print.svg`), chosen with
    /// `files.certificate`; the page templates' folder when not set.
    public var certificateTemplatesFolder: URL
    /// The attendant's PIN (4–12 digits) that opens the kiosk menu (pause, resume, status, quit);
    /// nil: Ctrl-C quits at once, as on a developer's machine.
    public var attendantPIN: String? = nil
    /// How fast one kiosk id may submit pledges to the service.
    public var rateLimit = RateLimit()
    /// The bearer token of the organizer routes (`organizer.token`); the environment variable
    /// `KIOSK_ORGANIZER_TOKEN` overrides it. Nil: organizer routes are closed.
    public var organizerToken: String? = nil
    /// The bearer token kiosk fronts present to record pledges and send heartbeats
    /// (`service.kioskToken`); the environment variable `KIOSK_KIOSK_TOKEN` overrides it. The
    /// service requires it when set; fronts send it. Nil in the file and the environment:
    /// `kiosk serve` and `kiosk run` read or generate one in the data folder (`kiosk-token`).
    public var kioskToken: String? = nil

    /// Where and how often the running service copies its database (`backup:` in `event.yaml`).
    public struct BackupSchedule: Sendable, Equatable {
        /// An absolute path to a folder on a second disk, e.g. `/media/usb/kiosk-backups`.
        public var folder: String
        /// Minutes between two backups, 1–1440.
        public var everyMinutes: Int
        /// How many of the service's own backups are kept in the folder, 1–1000.
        public var keep: Int
        /// Whether the folder may be on the database's own disk (`backup.sameDisk`, default false):
        /// without it such a backup is refused, as an unmounted stick's mount point is on that disk.
        public var sameDisk: Bool
        public init(folder: String, everyMinutes: Int = 15, keep: Int = 8, sameDisk: Bool = false) {
            self.folder = folder
            self.everyMinutes = everyMinutes
            self.keep = keep
            self.sameDisk = sameDisk
        }
    }

    /// A token bucket per kiosk id: `burst` pledges at once, then `perMinute` a minute.
    public struct RateLimit: Sendable, Equatable {
        public var perMinute: Int
        public var burst: Int
        public init(perMinute: Int = 30, burst: Int = 10) {
            self.perMinute = perMinute
            self.burst = burst
        }
    }

    /// The longest base URL that keeps a certificate QR at version 3, level M (see ``CertificateLinks``).
    public static let recommendedBaseURLLength = 30

    /// Days after the event's date past which a start says the date looks stale (a copied
    /// `event.yaml`: certificates would name a day long gone).
    public static let staleEventDays = 7

    /// Things an organizer should fix that do not stop the kiosk, Vietnamese first: a base URL too
    /// long for small QR codes, a clock before the event's date, an event's date more than
    /// ``staleEventDays`` days ago, safety resources past their review-by date. (A missing kiosk
    /// token is not one: `kiosk serve` and `kiosk run` then generate one in the data folder.)
    public func warnings(today: Date) -> [String] {
        var warnings: [String] = []
        if let publicBaseURL, publicBaseURL.count > Self.recommendedBaseURLLength {
            warnings.append(
                "publicBaseURL có \(publicBaseURL.count) ký tự; tối đa \(Self.recommendedBaseURLLength) ký tự giữ mã QR "
                    + "của giấy chứng nhận ở phiên bản 3, đủ lớn để quét từ màn hình điện thoại · "
                    + "publicBaseURL has \(publicBaseURL.count) characters; up to \(Self.recommendedBaseURLLength) keep "
                    + "certificate QR codes at version 3, large enough to scan from a phone screen")
        }
        let day = CivilDate(inVietnamAt: today)
        if day < date {
            // Pledges are dated by this clock: one set years back dates them so (breaker: 1999).
            warnings.append(
                "đồng hồ của máy đang ở ngày \(day), trước ngày sự kiện \(date): kiểm tra lại đồng hồ (các lượt ký "
                    + "được ghi ngày theo đồng hồ này) · the clock reads \(day), before the event's date \(date): "
                    + "check it, pledges are dated by it")
        }
        let past = day.daysSince1970 - date.daysSince1970
        if past > Self.staleEventDays {
            warnings.append(
                "ngày sự kiện \(date) đã qua \(past) ngày: kiểm tra event.date trong event.yaml (giấy chứng nhận ghi "
                    + "ngày này) · the event's date \(date) was \(past) days ago: check event.date in event.yaml "
                    + "(certificates show it)")
        }
        for resource in resources where resource.reviewBy < day {
            warnings.append(
                "tài nguyên an toàn '\(resource.id)' đã đến hạn xem lại ngày \(resource.reviewBy): kiểm tra xem còn "
                    + "đúng không · safety resource '\(resource.id)' was due for review on \(resource.reviewBy): "
                    + "check it is still right")
        }
        return warnings
    }

    /// The last day (Vietnam time; `event.retainPersonalDataUntil`, written `yyyy-MM-dd`) on which
    /// names and schools of this event's pledges are kept; after it, `kiosk purge` and the
    /// service's daily run erase them (Decree 13/2023/NĐ-CP: personal data is kept no longer than
    /// its purpose needs).
    public var retainPersonalDataUntil: CivilDate? = nil

    /// Scheduled backups of the running service (`backup:`); nil: none (`backup.folder` empty).
    public var backup: BackupSchedule? = nil

    /// The national hub this event feeds (`hub:` with `url` and `token`, or `KIOSK_HUB_URL` and
    /// `KIOSK_HUB_TOKEN`, printed by `kiosk hub add-event`); nil: the event stands alone.
    public var hub: HubLink? = nil

    /// Where an event's outbox goes: the hub's URL and the event's sync token.
    public struct HubLink: Hashable, Sendable {
        /// The hub's base URL, `http://` or `https://`, without a trailing slash.
        public var url: String
        /// The event's sync token (a bearer token; it also carries what the event needs to issue
        /// codes the hub recognizes).
        public var token: String

        public init(url: String, token: String) {
            self.url = url
            self.token = token
        }
    }

    /// The moment personal data of this event's pledges stops being kept: the end of
    /// ``retainPersonalDataUntil`` in Vietnam time (UTC+7), or nil when no date is set.
    public var retentionDeadline: Date? {
        retainPersonalDataUntil.map { CivilDate(daysSince1970: $0.daysSince1970 + 1).startInVietnam }
    }

    /// The event's date as Vietnamese and English show it: "10/10/2025", "10 October 2025".
    public var displayDate: Localized<String> { date.displayText }

    /// A configuration from its values, as the configuration file's loader
    /// (`KioskConfiguration`) makes it after checking them; see each property for its rule.
    public init(
        eventID: String, name: String, place: String, date: CivilDate, kioskID: String, language: Language,
        host: String, port: Int, publicBaseURL: String?, pledgeText: PledgeText, resources: [SafetyResource],
        templatesFolder: URL, frontTextFile: URL, certificateTemplatesFolder: URL, attendantPIN: String? = nil,
        rateLimit: RateLimit = RateLimit(), organizerToken: String? = nil, kioskToken: String? = nil,
        retainPersonalDataUntil: CivilDate? = nil, backup: BackupSchedule? = nil
    ) {
        self.eventID = eventID
        self.name = name
        self.place = place
        self.date = date
        self.kioskID = kioskID
        self.language = language
        self.host = host
        self.port = port
        self.publicBaseURL = publicBaseURL
        self.pledgeText = pledgeText
        self.resources = resources
        self.templatesFolder = templatesFolder
        self.frontTextFile = frontTextFile
        self.certificateTemplatesFolder = certificateTemplatesFolder
        self.attendantPIN = attendantPIN
        self.rateLimit = rateLimit
        self.organizerToken = organizerToken
        self.kioskToken = kioskToken
        self.retainPersonalDataUntil = retainPersonalDataUntil
        self.backup = backup
    }
}

/// The pledge text, in both languages: `Kiosk/pledge.yaml`.
public struct PledgeText: Codable, Sendable, Equatable {
    public struct Body: Codable, Sendable, Equatable {
        public var title: String
        /// One commitment per entry.
        public var commitments: [String]
    }
    public var vi: Body
    public var en: Body

    public subscript(language: Language) -> Body { language == .vi ? vi : en }
}

/// A hotline or portal where a young person can get help: `Kiosk/resources.yaml`.
/// Each carries who answers for it and the date by which an organizer must check it again.
public struct SafetyResource: Codable, Sendable, Equatable, Identifiable {
    public enum Kind: String, Codable, Sendable { case phone, web }
    public var id: String
    public var kind: Kind
    /// The number to call or the address to open, as printed: `111`, `canhbao.khonggianmang.vn`.
    public var value: String
    public var name: Localized<String>
    public var purpose: Localized<String>
    public var owner: String
    /// The day by which an organizer checks it again (`reviewBy`, written `yyyy-MM-dd`).
    public var reviewBy: CivilDate

    public init(
        id: String, kind: Kind, value: String, name: Localized<String>, purpose: Localized<String>, owner: String,
        reviewBy: CivilDate
    ) {
        self.id = id
        self.kind = kind
        self.value = value
        self.name = name
        self.purpose = purpose
        self.owner = owner
        self.reviewBy = reviewBy
    }

    private enum CodingKeys: String, CodingKey { case id, kind, value, name, purpose, owner, reviewBy }

    /// Decodes a resource; a `reviewBy` that is not a day is a ``CivilDate/FormatError`` naming
    /// the resource (`reviewBy of '111'`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        kind = try container.decode(Kind.self, forKey: .kind)
        value = try container.decode(String.self, forKey: .value)
        name = try container.decode(Localized<String>.self, forKey: .name)
        purpose = try container.decode(Localized<String>.self, forKey: .purpose)
        owner = try container.decode(String.self, forKey: .owner)
        reviewBy = try CivilDate(container.decode(String.self, forKey: .reviewBy), field: "reviewBy of '\(id)'")
    }

    /// The text of this resource's QR: a `tel:` link for a phone number (RFC 3966), an https
    /// link for a web address.
    public var link: String {
        switch kind {
        case .phone: "tel:\(value.filter { !$0.isWhitespace })"
        case .web: value.hasPrefix("http") ? value : "https://\(value)"
        }
    }
}
