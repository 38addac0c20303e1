import Certificates
import Foundation
import Synchronization

/// Certificate pages made fast: the template rendered once per event and shape (named or
/// anonymous, with or without document links) by Mustache, with a placeholder in each of the
/// pledge's values (``CertificatePage/pledgeValues``); each page is then that text with the
/// pledge's values put in, escaped where Mustache would escape them. A first view at the hub
/// spent most of its time in Mustache (issue 14, H2).
///
/// The same output as Mustache's, by construction and checked: a placeholder is a private-use
/// scalar, the value's index and a `'` (which ``MarkupEscaping`` turns into `&#39;`, so each
/// place tells whether it was escaped); the first page of each shape is also rendered by Mustache
/// and compared, and a shape whose page differs is always rendered by Mustache. Not used at all
/// (``init(templates:)`` returns nil) when a template applies a transform (`{{lowercased(name)}}`)
/// or names a partial by a value (`{{>*name}}`), which would see the placeholder instead of the
/// value, changes the delimiters, or holds the placeholder's scalar.
final class PrerenderedCertificates: Sendable {
    /// A pre-rendered page: text, and where each of the pledge's values goes.
    struct Skeleton: Sendable {
        enum Piece: Sendable {
            /// UTF-8.
            case text([UInt8])
            case value(index: Int, escaped: Bool)
        }
        let pieces: [Piece]
        /// The UTF-8 bytes of the text pieces (to reserve the page's size at once).
        let textBytes: Int
    }

    enum Entry: Sendable {
        case skeleton(Skeleton)
        /// This shape's pages are rendered by Mustache.
        case mustache
    }

    /// The scalar every placeholder starts with (Unicode's last private-use code point of the BMP).
    static let mark: Unicode.Scalar = "\u{F8FF}"
    /// The most shapes kept (two per event: named and anonymous); past that the table starts again.
    let capacity: Int
    private let entries = Mutex([CertificatePage.ShapeKey: Entry]())

    /// - Parameter templates: the text of every template of the library (partials included).
    init?(templates: [String], capacity: Int = 1024) {
        for text in templates {
            if text.unicodeScalars.contains(Self.mark) { return nil }
            // Inside a tag: a transform's parenthesis or a dynamic partial's star.
            var rest = Substring(text)
            while let open = rest.range(of: "{{") {
                let after = rest[open.upperBound...]
                guard let close = after.range(of: "}}") else { break }
                let tag = after[..<close.lowerBound]
                if tag.contains("(") || tag.contains("*") || tag.hasPrefix("=") { return nil }
                rest = after[close.upperBound...]
            }
        }
        self.capacity = capacity
    }

    /// The HTML of `page` (UTF-8): filled into its shape's pre-rendered page, or rendered by
    /// `render` (Mustache, given the full context) for a shape not seen yet or not pre-rendered.
    func page(_ page: CertificatePage, render: ([String: Any]) -> String) -> [UInt8] {
        let key = page.shapeKey
        let values = page.pledgeValues
        let entry = entries.withLock { $0[key] }
        switch entry {
        case .skeleton(let skeleton):
            return Self.fill(skeleton, values)
        case .mustache:
            return Array(render(CertificatePage.context(event: page.eventContext, pledge: values)).utf8)
        case nil:
            // An event value holding the mark would make a placeholder that is not one.
            guard !key.contains(Self.mark) else {
                remember(.mustache, for: key)
                return Array(render(CertificatePage.context(event: page.eventContext, pledge: values)).utf8)
            }
            let placeholders = values.indices.map { index in
                CertificatePage.PledgeValue(
                    values[index].key, "\(Self.mark)\(index)'", inDocuments: values[index].inDocuments)
            }
            let text = render(CertificatePage.context(event: page.eventContext, pledge: placeholders))
            let full = Array(render(CertificatePage.context(event: page.eventContext, pledge: values)).utf8)
            guard let skeleton = Self.skeleton(text, count: values.count), Self.fill(skeleton, values) == full else {
                remember(.mustache, for: key)
                return full
            }
            remember(.skeleton(skeleton), for: key)
            return full
        }
    }

    /// Whether pages of `page`'s shape are filled into a pre-rendered page (for tests).
    func isPrerendered(_ page: CertificatePage) -> Bool {
        if case .skeleton = entries.withLock({ $0[page.shapeKey] }) { return true }
        return false
    }

    private func remember(_ entry: Entry, for key: CertificatePage.ShapeKey) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }

    /// The skeleton of a page rendered with placeholders, or nil when a placeholder is malformed
    /// or names no value.
    static func skeleton(_ text: String, count: Int) -> Skeleton? {
        var pieces: [Skeleton.Piece] = []
        var textBytes = 0
        let escapedEnd = Array("&#39;".unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        var current = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == mark else {
                current.append(scalars[i])
                i += 1
                continue
            }
            var j = i + 1
            var index = 0
            while j < scalars.count, ("0"..."9").contains(scalars[j]), index < 1_000 {
                index = index * 10 + Int(scalars[j].value - 48)
                j += 1
            }
            guard j > i + 1, index < count else { return nil }
            let escaped: Bool
            if j < scalars.count, scalars[j] == "'" {
                escaped = false
                j += 1
            } else if scalars.count - j >= escapedEnd.count, Array(scalars[j..<j + escapedEnd.count]) == escapedEnd {
                escaped = true
                j += escapedEnd.count
            } else {
                return nil
            }
            if !current.isEmpty {
                let piece = Array(String(current).utf8)
                textBytes += piece.count
                pieces.append(.text(piece))
                current = String.UnicodeScalarView()
            }
            pieces.append(.value(index: index, escaped: escaped))
            i = j
        }
        if !current.isEmpty {
            let piece = Array(String(current).utf8)
            textBytes += piece.count
            pieces.append(.text(piece))
        }
        return Skeleton(pieces: pieces, textBytes: textBytes)
    }

    /// `skeleton` with `values` put in, as UTF-8: the page goes out as bytes, so it is built as
    /// bytes (a String and then its copy cost a first view at the hub more: H2, BENCHMARKS.md).
    static func fill(_ skeleton: Skeleton, _ values: [CertificatePage.PledgeValue]) -> [UInt8] {
        var page: [UInt8] = []
        page.reserveCapacity(skeleton.textBytes + 1024)
        for piece in skeleton.pieces {
            switch piece {
            case .text(let text): page += text
            case .value(let index, let escaped):
                if escaped {
                    MarkupEscaping.append(values[index].value, to: &page)
                } else {
                    page += values[index].value.utf8
                }
            }
        }
        return page
    }
}
