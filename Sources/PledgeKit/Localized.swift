/// The two languages of the kiosk: Vietnamese first, English second.
public enum Language: String, CaseIterable, Codable, Sendable {
    case vi
    case en

    /// The other language, for a "switch language" key.
    public var toggled: Language { self == .vi ? .en : .vi }
}

/// A value in both languages of the kiosk.
public struct Localized<Value: Sendable>: Sendable {
    public var vi: Value
    public var en: Value

    public init(vi: Value, en: Value) {
        self.vi = vi
        self.en = en
    }

    public subscript(language: Language) -> Value {
        language == .vi ? vi : en
    }
}

extension Localized: Equatable where Value: Equatable {}
extension Localized: Hashable where Value: Hashable {}
extension Localized: Codable where Value: Codable {}
