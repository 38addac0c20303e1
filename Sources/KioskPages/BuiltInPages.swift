import Mustache

/// The pages that belong to the service rather than to an event's look: the organizers' page,
/// the projector's live counter, the signer's erasure confirmation, the hub's "on its way" and its national page. Their templates
/// (`Templates/*.mustache`) are compiled into the binary (SwiftPM's `embedInCode`), so a service
/// has them whatever its templates folder holds; they escape `{{…}}` as every page does
/// (``MarkupEscaping``, through ``MustacheLibrary/registerMarkup(_:named:)``).
enum BuiltInPages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        let templates = [
            ("admin", PackageResources.admin_mustache), ("live", PackageResources.live_mustache),
            ("erase", PackageResources.erase_mustache), ("awaited", PackageResources.awaited_mustache),
            ("pledge", PackageResources.pledge_mustache), ("presence", PackageResources.presence_mustache),
            ("problem", PackageResources.problem_mustache),
            ("tablet-done", PackageResources.tablet_done_mustache),
            ("tablet-setup", PackageResources.tablet_setup_mustache),
            ("national", PackageResources.national_mustache),
            ("hub-organizer", PackageResources.hub_organizer_mustache),
        ]
        for (name, bytes) in templates {
            // This module's own files, parsed by every test of these pages: an error is a bug here.
            try! library.registerMarkup(String(decoding: bytes, as: UTF8.self), named: name)
        }
        return library
    }()

    static func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}
