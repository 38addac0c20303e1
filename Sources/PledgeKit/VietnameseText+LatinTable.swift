import Foundation

extension VietnameseText {
    /// The text rules of ``VietnameseText`` worked out once for each scalar of Latin text, so
    /// names in Vietnamese (or any Latin-script language) are normalized and keyed without
    /// Foundation, whose Unicode normalization was the costliest step of recording a pledge.
    ///
    /// The scalars: U+0000–U+02FF (ASCII, Latin-1, Latin Extended-A and -B, IPA, spacing modifier
    /// letters) and U+1E00–U+1EFF (Latin Extended Additional, which holds the precomposed
    /// Vietnamese vowels with tone marks, ạ … ỹ). Each entry is made at first use by the Foundation
    /// rule itself (``foundationNFC(_:)``, ``foundationSearchFold(_:)``,
    /// ``letterAndToneKeys(_:)``) applied to that one scalar, so the table cannot disagree with
    /// the rule; a text with any other scalar returns nil and goes through Foundation.
    ///
    /// Why a text can be handled a scalar at a time (UAX #15 and UAX #29):
    /// - NFC: every scalar of the table is a starter (combining class 0) that NFC leaves as it is,
    ///   and none is the second scalar of a canonical composition (NFC_Quick_Check=Yes), so a text
    ///   made only of such scalars is in NFC. A scalar that fails the first two tests is marked
    ///   not ``Flags/nfcStable``.
    /// - Search key: NFD decomposes each scalar on its own and only reorders runs of non-starters;
    ///   when every non-starter of a decomposition lies in U+0300–U+036F, all of them are dropped
    ///   by the rule, so the kept scalars are each scalar's own, in order. Lowercasing
    ///   (`String.lowercased()`) maps each scalar on its own.
    /// - Sort key: the rule keys each extended grapheme cluster (`Character`); in this range every
    ///   scalar is a cluster of its own except CR LF, which a collapsed text never holds (and which
    ///   is kept out of ``Flags/sortable``).
    struct LatinTable: Sendable {
        struct Flags: OptionSet, Sendable {
            let rawValue: UInt8
            /// A starter that NFC leaves as it is.
            static let nfcStable = Flags(rawValue: 1 << 0)
            /// Its NFD holds only starters and marks of U+0300–U+036F.
            static let searchable = Flags(rawValue: 1 << 1)
            /// ``nfcStable``, and not CR or LF (the one cluster of two scalars here).
            static let sortable = Flags(rawValue: 1 << 2)
            /// ``VietnameseText/isForbidden(_:)``.
            static let forbidden = Flags(rawValue: 1 << 3)
            /// `Character.isWhitespace`, as ``VietnameseText/collapsingWhitespace(_:)`` splits.
            static let whitespace = Flags(rawValue: 1 << 4)
            /// A letter or a digit, as ``VietnameseText/hasLetterOrDigit(_:)`` asks.
            static let letterOrDigit = Flags(rawValue: 1 << 5)
        }

        /// UTF-8 pieces, one per scalar of the table.
        struct Pieces: Sendable {
            var bytes: [UInt8] = []
            /// Piece `i` is `bytes[starts[i]..<starts[i + 1]]`.
            var starts: [Int] = [0]

            mutating func append(_ text: String) {
                bytes.append(contentsOf: text.utf8)
                starts.append(bytes.count)
            }

            func piece(_ index: Int) -> ArraySlice<UInt8> { bytes[starts[index]..<starts[index + 1]] }
        }

        static let shared = LatinTable()

        /// How many scalars the table holds.
        static let count = 0x300 + 0x100

        let flags: [Flags]
        /// ``VietnameseText/foundationSearchFold(_:)`` of each scalar.
        let search: Pieces
        /// The letter key of each scalar (``VietnameseText/letterAndToneKeys(_:)``).
        let sortLetters: Pieces
        /// The tone digit of each scalar, in ASCII.
        let tones: [UInt8]

        /// The entry of a scalar, or nil when it is not in the table.
        @inline(__always) static func index(_ value: UInt32) -> Int? {
            if value < 0x300 { return Int(value) }
            if value &- 0x1E00 < 0x100 { return Int(value - 0x1E00) + 0x300 }
            return nil
        }

        /// The scalar of an entry.
        static func scalar(at index: Int) -> Unicode.Scalar {
            Unicode.Scalar(UInt32(index < 0x300 ? index : index - 0x300 + 0x1E00))!
        }

        /// Every scalar of the table.
        static var scalars: [Unicode.Scalar] { (0..<count).map(scalar(at:)) }

        private init() {
            var flags: [Flags] = []
            var search = Pieces()
            var sortLetters = Pieces()
            var tones: [UInt8] = []
            for index in 0..<Self.count {
                let scalar = Self.scalar(at: index)
                let text = String(scalar)
                var entry: Flags = []
                if scalar.properties.canonicalCombiningClass == .notReordered,
                    Array(VietnameseText.foundationNFC(text).unicodeScalars) == [scalar]
                {
                    entry.insert(.nfcStable)
                    if scalar != "\r", scalar != "\n" { entry.insert(.sortable) }
                }
                let decomposed = text.decomposedStringWithCanonicalMapping.unicodeScalars
                if decomposed.allSatisfy({
                    $0.properties.canonicalCombiningClass == .notReordered || (0x0300...0x036F).contains($0.value)
                }) {
                    entry.insert(.searchable)
                }
                if VietnameseText.isForbidden(scalar) { entry.insert(.forbidden) }
                if Character(scalar).isWhitespace { entry.insert(.whitespace) }
                if VietnameseText.hasLetterOrDigit(text) { entry.insert(.letterOrDigit) }
                flags.append(entry)
                search.append(VietnameseText.foundationSearchFold(text))
                let (letters, tone) = VietnameseText.letterAndToneKeys(text)
                sortLetters.append(letters)
                tones.append(tone.utf8.first!)
            }
            self.flags = flags
            self.search = search
            self.sortLetters = sortLetters
            self.tones = tones
        }

        /// Whether `text` holds only scalars that make it NFC as it is.
        func isNFC(_ text: String) -> Bool {
            if text.utf8.allSatisfy({ $0 < 0x80 }) { return true }
            for scalar in text.unicodeScalars {
                guard let index = Self.index(scalar.value), flags[index].contains(.nfcStable) else { return false }
            }
            return true
        }

        /// ``VietnameseText/foundationSearchFold(_:)`` of `text`, or nil when a scalar is outside
        /// the table. Combining marks U+0300–U+036F are dropped, as the rule drops them after NFD.
        func searchFold(_ text: String) -> String? {
            var folded: [UInt8] = []
            folded.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                let value = scalar.value
                if value &- 0x0300 <= 0x6F { continue }
                guard let index = Self.index(value), flags[index].contains(.searchable) else { return nil }
                folded.append(contentsOf: search.piece(index))
            }
            return String(decoding: folded, as: UTF8.self)
        }

        /// ``VietnameseText/foundationSortKey(collapsed:)`` of `words` (NFC, white space
        /// collapsed), or nil when a scalar is outside the table.
        func sortKey(collapsed words: String) -> String? {
            var letters: [UInt8] = []
            var toneDigits: [UInt8] = []
            letters.reserveCapacity(words.utf8.count)
            toneDigits.reserveCapacity(words.utf8.count)
            // The given name is the last word: the letters after the last space.
            var given = 0
            for scalar in words.unicodeScalars {
                guard let index = Self.index(scalar.value), flags[index].contains(.sortable) else { return nil }
                letters.append(contentsOf: sortLetters.piece(index))
                if scalar == " " { given = letters.count }
                toneDigits.append(tones[index])
            }
            var key: [UInt8] = []
            key.reserveCapacity(2 * letters.count + toneDigits.count + 2 - given)
            key.append(contentsOf: letters[given...])
            key.append(1)
            key.append(contentsOf: letters)
            key.append(1)
            key.append(contentsOf: toneDigits)
            return String(decoding: key, as: UTF8.self)
        }

        /// What ``TextField`` checks, for a text of the table's NFC-stable scalars.
        struct Scan {
            /// Whether a scalar is ``VietnameseText/isForbidden(_:)``.
            var forbidden = false
            /// Whether a scalar is a letter or a digit.
            var letterOrDigit = false
            /// Whether the white space is already collapsed: no white space but single inner
            /// spaces (U+0020).
            var collapsed = true
            /// How many scalars, which here is how many characters.
            var scalars = 0
        }

        /// The ``Scan`` of `text`, or nil when a scalar is outside the table or not NFC-stable.
        func scan(_ text: String) -> Scan? {
            var scan = Scan()
            var previousIsSpace = true  // a space at the start is not collapsed
            for scalar in text.unicodeScalars {
                guard let index = Self.index(scalar.value) else { return nil }
                let entry = flags[index]
                guard entry.contains(.nfcStable) else { return nil }
                if entry.contains(.forbidden) { scan.forbidden = true }
                if entry.contains(.letterOrDigit) { scan.letterOrDigit = true }
                if entry.contains(.whitespace) {
                    if scalar != " " || previousIsSpace { scan.collapsed = false }
                    previousIsSpace = true
                } else {
                    previousIsSpace = false
                }
                scan.scalars += 1
            }
            if previousIsSpace, scan.scalars > 0 { scan.collapsed = false }  // a space at the end
            return scan
        }
    }
}
