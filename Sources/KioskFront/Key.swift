/// One key press, or one run of typed or pasted text, as the kiosk flow sees it.
public enum Key: Hashable, Sendable {
    /// Printable text: one character, a combining mark typed after its letter, or pasted text.
    case text(String)
    /// Enter (CR or LF).
    case enter
    /// Backspace (DEL 0x7F or BS 0x08).
    case backspace
    /// Tab: switches the language.
    case tab
    /// Esc pressed alone: goes back.
    case escape
    case up, down, left, right
    /// F2: large text on or off.
    case largeText
    /// F3: high contrast on or off.
    case highContrast
    /// F4: the next Vietnamese input method on the name screen (Telex → VNI → off).
    case inputMethod
    /// Ctrl-C (0x03): with ISIG off it arrives as a byte; the operator's way out.
    case interrupt
}
