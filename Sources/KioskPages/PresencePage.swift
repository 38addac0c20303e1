import PledgeKit

/// The page a projector or a screen at the entrance shows so phones can pledge (issue 16;
/// template `Templates/presence.mustache`): the QR of the pledge flow with the presence code of
/// the moment, the code in large letters, and the link to type. It reloads itself when the code
/// changes (a `refresh` meta element: no script needed).
public enum PresencePage {
    /// - Parameters:
    ///   - code: the presence code shown now (``PresenceCodes``).
    ///   - link: the flow's link with that code, as the QR holds it.
    ///   - refreshSeconds: seconds until the code changes.
    /// - Returns: the page, UTF-8 HTML.
    public static func html(code: String, link: String, eventName: String, refreshSeconds: Int) -> String {
        BuiltInPages.render(
            "presence",
            [
                "code": code, "link": link, "eventName": eventName, "refreshSeconds": max(1, refreshSeconds),
                "minutes": PresenceCodes.period / 60,
            ])
    }
}
