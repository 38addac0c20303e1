import PledgeKit

extension OutboxPledgeService {
    /// The setting under which the service's retention date is cached in the outbox:
    /// `yyyy-MM-dd`, or empty when the service's event sets none.
    public static let retentionSetting = "retain-personal-data-until"

    /// Keeps the service's retention date (``KioskConfigAnswer/retainPersonalDataUntil``; nil:
    /// none) in the outbox's settings, for a start while the service cannot be reached.
    static func cache(retention: CivilDate?, in outbox: any PledgeOutbox) async {
        try? await outbox.setSetting(retentionSetting, to: retention?.description ?? "")
    }

    /// The last day names are kept, as the service last said (it keeps the names, so its date is
    /// the one the consent screen states; cached, so a front started offline has it too); nil
    /// when the service's event sets none; `local` (the front's own event.yaml) when the service
    /// was never heard from.
    public func retainPersonalDataUntil(orElse local: CivilDate?) async -> CivilDate? {
        guard let text = try? await outbox.setting(Self.retentionSetting) else { return local }
        return text.isEmpty ? nil : CivilDate(text) ?? local
    }
}
