import Certificates
import PledgeKit

/// The event's pages as functions from values to HTML (UTF-8), one per template of the folder.
extension PageTemplates {
    /// The certificate page (`certificate.mustache`), as UTF-8 (what is sent).
    /// Made from the page pre-rendered for its event and shape when the templates allow it
    /// (``PrerenderedCertificates``: the same bytes as Mustache's), else by Mustache.
    public func certificate(_ page: CertificatePage) -> [UInt8] {
        guard let certificates else { return Array(render("certificate", page.context).utf8) }
        return certificates.page(page) { render("certificate", $0) }
    }

    /// The page for a code that names no certificate (`not-found.mustache`).
    public func notFound() -> String {
        render("not-found", [:])
    }

    /// Every safety resource with its QR (`resources.mustache`).
    public func resources(eventName: String, resources: [SafetyResource]) -> String {
        render("resources", ["eventName": eventName, "resources": resources.map(Self.context)])
    }

    /// The form where a code is typed by hand (`verify.mustache`), with the code as typed and why
    /// it led nowhere, if it did not.
    public func verify(code: String, message: Localized<String>?) -> String {
        var context: [String: Any] = ["code": code]
        if let message { context["message"] = ["vi": message.vi, "en": message.en] }
        return render("verify", context)
    }

    /// A resource's values, for the resources and certificate pages.
    static func context(_ resource: SafetyResource) -> [String: Any] {
        [
            "id": resource.id,
            "name": resource.name.vi,
            "nameEn": resource.name.en,
            "purpose": resource.purpose.vi,
            "purposeEn": resource.purpose.en,
            "value": resource.value,
            "link": resource.link,
            "isPhone": resource.kind == .phone,
        ]
    }
}
