import Certificates
import PledgeKit

extension CertificateTemplates {
    /// The event's certificate templates, or a command-line error naming the file and the problem.
    static func loadForCommand(_ configuration: EventConfiguration) throws -> CertificateTemplates {
        do {
            return try CertificateTemplates(folder: configuration.certificateTemplatesFolder)
        } catch {
            throw CLIError("certificate template: \(error)")
        }
    }
}
