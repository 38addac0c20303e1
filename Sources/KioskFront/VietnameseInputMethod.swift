/// How ASCII keys typed on the name screen become Vietnamese letters (issue 17, item 1).
///
/// On a Linux text console no input method can run, and in a terminal emulator one would have to
/// be installed and set up on every kiosk; so the front has its own. F4 switches Telex → VNI →
/// off → Telex. Each signer starts with ``telex``, in Vietnamese and in English alike: the names
/// are Vietnamese whatever the language of the screen, and a word that is not a Vietnamese
/// syllable stays as typed (``VietnameseInput/word(keys:method:)``), so "Jessica" needs no switch.
public enum VietnameseInputMethod: String, CaseIterable, Hashable, Sendable {
    /// Telex: `aa` â, `aw` ă, `ee` ê, `oo` ô, `ow` ơ, `uw` or `w` ư, `uow` ươ, `dd` đ; tones
    /// `s` sắc, `f` huyền, `r` hỏi, `x` ngã, `j` nặng, `z` removes the tone.
    case telex
    /// VNI: `6` circumflex (â ê ô), `7` horn (ơ ư), `8` breve (ă), `9` đ; tones `1` sắc,
    /// `2` huyền, `3` hỏi, `4` ngã, `5` nặng, `0` removes the tone.
    case vni
    /// Keys are taken as typed.
    case off

    /// The method F4 switches to.
    public var next: VietnameseInputMethod {
        switch self {
        case .telex: .vni
        case .vni: .off
        case .off: .telex
        }
    }
}
