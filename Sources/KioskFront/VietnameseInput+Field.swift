extension VietnameseInput {
    /// The word being composed at the end of a text field and the keys that gave it. When the
    /// field's last word is no longer ``text`` (Backspace, a screen that changed the field), the
    /// keys are found again from the word itself (``VietnameseInput/keys(for:method:)``).
    struct Word: Hashable, Sendable {
        var text: String
        /// nil: the word is taken as typed (it holds a letter no keys give, or was pasted).
        var keys: String?
        var method: VietnameseInputMethod
    }

    /// Types `text` at the end of `field` in `method`, at most `maxLength` characters in all.
    ///
    /// ASCII letters (and in VNI, digits) go through the engine one by one, as the word they end
    /// is derived again; any other character is added as it is. Text holding a non-ASCII
    /// character (already composed by an input method outside, or pasted, NFC or NFD) is added
    /// unchanged as a whole. A key that would make the field longer than `maxLength`, or the
    /// word's keys longer than twice that, is dropped with the rest of `text`.
    static func type(
        _ text: String, into field: inout String, word: inout Word?, method: VietnameseInputMethod, maxLength: Int
    ) {
        guard method != .off, text.unicodeScalars.allSatisfy(\.isASCII) else {
            let room = maxLength - field.count
            guard room > 0 else { return }
            field += String(text.prefix(room))
            return
        }
        for character in text {
            guard isWordKey(character, method) else {
                guard field.count < maxLength else { return }
                field.append(character)
                continue
            }
            let last = lastWord(of: field, method)
            let keys: String? =
                if let word, word.text == last, word.method == method {
                    word.keys
                } else {
                    last.isEmpty ? "" : Self.keys(for: last, method: method)
                }
            let typedKeys = keys.map { $0 + String(character) }
            // Keys that toggle (`szsz…`) lengthen the keys, not the word: a pasted flood must not
            // make each key slower.
            guard (typedKeys?.count ?? 0) <= 2 * maxLength else { return }
            let newWord = typedKeys.map { Self.word(keys: $0, method: method) } ?? last + String(character)
            let candidate = String(field.dropLast(last.count)) + newWord
            guard candidate.count <= maxLength else { return }
            field = candidate
            word = Word(text: newWord, keys: typedKeys, method: method)
        }
    }

    /// Whether `character` is a key of a word in `method`: an ASCII letter, or in VNI a digit.
    static func isWordKey(_ character: Character, _ method: VietnameseInputMethod) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || (method == .vni && character.isNumber)
    }

    /// The last word of `field`: the letters (and in VNI, digits) after its last other character.
    static func lastWord(of field: String, _ method: VietnameseInputMethod) -> String {
        let start =
            field.lastIndex(where: { !($0.isLetter || (method == .vni && $0.isASCII && $0.isNumber)) })
            .map(field.index(after:)) ?? field.startIndex
        return String(field[start...])
    }
}
