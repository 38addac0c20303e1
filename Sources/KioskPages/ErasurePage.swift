import Certificates
import PledgeKit

/// The page that asks a signer to confirm erasing their name (template `Templates/erase.mustache`),
/// or says it is already gone; the form posts to `/c/{code}/erase`.
public enum ErasurePage {
    /// - Returns: the page for `pledge`, UTF-8 HTML.
    public static func html(_ pledge: Pledge) -> String {
        BuiltInPages.render(
            "erase",
            [
                "code": pledge.code.rawValue,
                "erased": pledge.name == nil && pledge.school == nil,
                "anonymous": CertificateFields.anonymousName.vi,
                "anonymousEn": CertificateFields.anonymousName.en,
            ])
    }
}
