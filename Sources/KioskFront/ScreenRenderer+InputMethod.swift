import PledgeKit

extension ScreenRenderer {
    /// The name screen's line under the field: which input method turns keys into Vietnamese
    /// letters, and the key that switches it. Always shown, so the mode is never a surprise.
    func inputMethodRows(_ flow: KioskFlow, width: Int) -> [Row] {
        let texts = text.name.inputMethodOrDefault
        let method = texts.name(flow.inputMethod)[flow.language]
        return wrapped(texts.status[flow.language].filled(["method": method]), width)
    }
}
