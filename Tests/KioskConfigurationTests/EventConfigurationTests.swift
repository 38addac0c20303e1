import Foundation
import KioskConfiguration
import KioskTestSupport
import PledgeKit
import Testing

@Suite("Event configuration files")
struct EventConfigurationTests {
    @Test func defaultEventLoads() throws {
        let configuration = try EventConfiguration.load(from: RepositoryPaths.defaultConfiguration)
        #expect(configuration.eventID == "le-phat-dong-2025")
        #expect(configuration.publicBaseURL == nil)
        #expect(configuration.displayDate.vi == "10/10/2025")
        #expect(configuration.pledgeText.vi.commitments.count >= 5)
        #expect(configuration.pledgeText.en.commitments.count == configuration.pledgeText.vi.commitments.count)
        #expect(configuration.resources.map(\.link).contains("tel:111"))
        for resource in configuration.resources {
            #expect(!resource.owner.isEmpty)
            #expect(resource.reviewBy.description.count == 10)
        }
    }

    /// An event file with the repository's texts and the given `service` and `organizer` lines.
    static func event(service: String, organizer: String = "", kiosk id: String = "kiosk-01", in folder: URL) throws
        -> URL
    {
        let kiosk = RepositoryPaths.root.appendingPathComponent("Kiosk").path
        let yaml = """
            event: { id: token-event, name: "Lễ phát động", place: "Hà Nội", date: 2025-10-10 }
            kiosk: { id: "\(id)" }
            service: { \(service) }
            organizer: { \(organizer) }
            files:
              pledge: \(kiosk)/pledge.yaml
              resources: \(kiosk)/resources.yaml
              templates: \(RepositoryPaths.root.appendingPathComponent("Certificates/default").path)
              front: \(kiosk)/front.yaml
            """
        let file = folder.appendingPathComponent("event.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func kioskTokenIsRead() throws {
        // KIOSK_KIOSK_TOKEN would override the files: this test reads the files.
        guard ProcessInfo.processInfo.environment["KIOSK_KIOSK_TOKEN"] == nil else { return }
        let folder = temporaryDirectory("config")
        let open = try EventConfiguration.load(from: Self.event(service: #"kioskToken: "  ""#, in: folder))
        #expect(open.kioskToken == nil)
        let closed = try EventConfiguration.load(from: Self.event(service: #"kioskToken: " k-secret ""#, in: folder))
        #expect(closed.kioskToken == "k-secret")
    }

    @Test func kioskTokenEqualToTheOrganizerTokenIsRefused() throws {
        guard ProcessInfo.processInfo.environment["KIOSK_KIOSK_TOKEN"] == nil,
            ProcessInfo.processInfo.environment["KIOSK_ORGANIZER_TOKEN"] == nil
        else { return }
        let file = try Self.event(
            service: #"kioskToken: same"#, organizer: #"token: same"#, in: temporaryDirectory("config"))
        do {
            _ = try EventConfiguration.load(from: file)
            Issue.record("a kiosk token that opens the organizer routes must be refused")
        } catch let error as ConfigurationError {
            #expect(error.problem.contains("must differ from organizer.token"))
        }
    }

    @Test func brokenFileIsNamedWithTheProblem() throws {
        let folder = temporaryDirectory("config")
        let file = folder.appendingPathComponent("event.yaml")
        try "event:\n  id: x\n  name: y\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try EventConfiguration.load(from: file)
            Issue.record("a file without kiosk and files sections must be refused")
        } catch let error as ConfigurationError {
            #expect(error.file == file.path)
            #expect(error.problem.contains("missing key"))
        }
    }

    /// The configured kiosk id follows the rule a front's `Kiosk-Id` header does: a bad one stops
    /// the load with a message in both languages, before it reaches a pledge or a file name.
    @Test(arguments: [
        "", "../etc", "<b>", "kiosk 01", "kiốt-01", String(repeating: "k", count: 65), #"kiosk\u001B[2J\r\nroot"#,
        // The web flow's pledges are the kiosk id `phone`'s: a kiosk taking it would count as phones.
        "phone",
    ])
    func aBadKioskIDIsRefusedAtLoad(_ id: String) throws {
        let file = try Self.event(service: "", kiosk: id, in: temporaryDirectory("config"))
        do {
            _ = try EventConfiguration.load(from: file)
            Issue.record("kiosk.id '\(id)' was accepted")
        } catch let error as ConfigurationError {
            #expect(error.problem.contains("kiosk.id phải gồm 1–64 chữ cái ASCII, chữ số, - hoặc _"))
            #expect(error.problem.contains("kiosk.id must be 1–64 ASCII letters, digits, - or _"))
            #expect(!error.problem.unicodeScalars.contains { $0.properties.generalCategory == .control })
        }
        let good = try Self.event(service: "", kiosk: "kiosk_07-B", in: temporaryDirectory("config"))
        #expect(try EventConfiguration.load(from: good).kioskID == "kiosk_07-B")
    }
}
