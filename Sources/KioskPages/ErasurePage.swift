import Certificates
import PledgeKit

/// The page that asks a signer to confirm erasing their name (template `Templates/erase.mustache`),
/// or says it is already gone; the form posts to `/c/{code}/erase`.
public enum ErasurePage {
    /// - Returns: the page for the pledge with `code`, whose name and school are gone when
    ///   `erased`, UTF-8 HTML.
    public static func html(code: CertificateCode, erased: Bool) -> String {
        BuiltInPages.render(
            "erase",
            [
                "code": code.rawValue,
                "erased": erased,
                "anonymous": CertificateFields.anonymousName.vi,
                "anonymousEn": CertificateFields.anonymousName.en,
            ])
    }
}
