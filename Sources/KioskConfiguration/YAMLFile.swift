import Foundation
import PledgeKit
import Yams

/// Why a configuration file could not be used. Messages name the file and the problem.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }
    public var description: String { "\(file): \(problem)" }
}

extension EventConfiguration {
    /// Decodes a YAML file into `T`, NFC-normalizing its text first.
    /// - Throws: ``ConfigurationError`` naming the file, and the key at fault when there is one; a key
    ///   the type has no property for is refused (``UnknownKeys``), so a typo never goes unseen.
    public static func decodeYAML<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ConfigurationError(file: url.path, problem: "không tìm thấy tệp · file not found")
        }
        guard !isFolder.boolValue else {
            throw ConfigurationError(file: url.path, problem: "là thư mục, không phải tệp · is a folder, not a file")
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, problem: "cannot be read as UTF-8 text")
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw ConfigurationError(file: url.path, problem: "the file is empty")
        }
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: VietnameseText.nfc(text))
        } catch let error as CivilDate.FormatError {
            throw ConfigurationError(file: url.path, problem: error.description)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ConfigurationError(
                file: url.path,
                problem: "missing key '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.dataCorrupted(context) where context.underlyingError is CivilDate.FormatError {
            // Yams wraps the date's own error: the YAML is fine, the day is not.
            throw ConfigurationError(file: url.path, problem: "\(context.underlyingError!)")
        } catch let DecodingError.dataCorrupted(context) where context.underlyingError != nil {
            // Yams' own error says where: line and column.
            throw ConfigurationError(file: url.path, problem: "not valid YAML: \(context.underlyingError!)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            throw ConfigurationError(
                file: url.path,
                problem:
                    "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
            )
        } catch {
            throw ConfigurationError(file: url.path, problem: "not valid YAML: \(error)")
        }
        if let node = try? Yams.compose(yaml: VietnameseText.nfc(text)),
            let key = UnknownKeys.paths(in: node, decoded: value).first
        {
            throw ConfigurationError(
                file: url.path,
                problem: "khóa không dùng được '\(key)' (gõ sai?) / unknown key '\(key)' (a typo?); nothing was loaded")
        }
        return value
    }
}
