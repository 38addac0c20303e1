import Foundation
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
            #expect(resource.reviewBy.count == 10)
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
}
