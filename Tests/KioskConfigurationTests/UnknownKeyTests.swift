import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

/// A key the configuration does not know is refused, naming it, instead of being ignored: a typo
/// such as `publicBaseUrl` left the certificate links on the LAN address without a word.
@Suite("Configuration: unknown keys")
struct UnknownKeyTests {
    @Test(arguments: [
        (#"publicBaseUrl: "https://khongmotminh.vn""#, "", "service.publicBaseUrl"),
        ("port: 8080", #"tokn: "x""#, "organizer.tokn"),
    ])
    func aMistypedKeyIsRefusedByName(service: String, organizer: String, key: String) throws {
        let file = try EventConfigurationTests.event(
            service: service, organizer: organizer, in: temporaryDirectory("unknown-key"))
        do {
            _ = try EventConfiguration.load(from: file)
            Issue.record("'\(key)' must be refused")
        } catch let error as ConfigurationError {
            #expect(error.file == file.path)
            #expect(error.problem.contains("unknown key '\(key)'"), "\(error.problem)")
            #expect(error.problem.contains("khóa không dùng được '\(key)'"), "\(error.problem)")
        }
    }

    @Test func aKeyAtTheTopAndOneInAListAreNamed() throws {
        let folder = temporaryDirectory("unknown-key")
        let file = try EventConfigurationTests.event(service: "port: 8080", in: folder)
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\nbakup: { folder: /media/usb }\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try EventConfiguration.load(from: file) }
        do { _ = try EventConfiguration.load(from: file) } catch let error as ConfigurationError {
            #expect(error.problem.contains("unknown key 'bakup'"), "\(error.problem)")
        }

        // The second safety resource gets a mistyped `reviewby` beside its `reviewBy`; a name
        // in two languages is a mapping too.
        let resources = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Kiosk/resources.yaml"), encoding: .utf8)
        let copy = folder.appendingPathComponent("resources.yaml")
        for (typo, key) in [("  reviewby: 2027-01-01\n", "1.reviewby"), ("    vn: \"x\"\n", "1.name.vn")] {
            var lines = resources.components(separatedBy: "- id: police\n")
            #expect(lines.count == 2)
            let after = typo.hasPrefix("    ") ? "  name:\n" : "  kind: phone\n"
            lines[1] = lines[1].replacingOccurrences(of: after, with: after + typo, options: [], range: nil)
            try lines.joined(separator: "- id: police\n").write(to: copy, atomically: true, encoding: .utf8)
            do {
                _ = try EventConfiguration.decodeYAML([SafetyResource].self, at: copy)
                Issue.record("'\(key)' must be refused")
            } catch let error as ConfigurationError {
                #expect(error.problem.contains("unknown key '\(key)'"), "\(error.problem)")
            }
        }
    }

    /// A resource id is part of its QR link: a breaker's `po<lice>` was accepted and its QR
    /// link answered 404.
    @Test func aResourceIDOutsideTheIdentifierRuleIsRefused() throws {
        let folder = temporaryDirectory("resource-id")
        let file = try EventConfigurationTests.event(service: "port: 8080", in: folder)
        let resources = try String(
            contentsOf: RepositoryPaths.root.appendingPathComponent("Kiosk/resources.yaml"), encoding: .utf8)
        let copy = folder.appendingPathComponent("resources.yaml")
        try resources.replacingOccurrences(of: "- id: police\n", with: "- id: \"po<lice>\"\n")
            .write(to: copy, atomically: true, encoding: .utf8)
        let text = try String(contentsOf: file, encoding: .utf8)
        let pattern = try #require(text.range(of: "resources: [^\n]*", options: .regularExpression))
        try text.replacingCharacters(in: pattern, with: "resources: \(copy.path)")
            .write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try EventConfiguration.load(from: file)
            Issue.record("the id 'po<lice>' must be refused")
        } catch let error as ConfigurationError {
            #expect(error.file == copy.path)
            #expect(error.problem.contains(#"not "po<lice>""#), "\(error.problem)")
        }
    }

    @Test func everyShippedFileHasOnlyKnownKeys() throws {
        // The repository's event.yaml names pledge.yaml, resources.yaml and front.yaml: all load.
        _ = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
    }
}
