import PledgeKit

extension ScreenRenderer {
    /// The name screen's line under the field: which input method turns keys into Vietnamese
    /// letters, the key that switches it, and the keys of the method. Always shown, so the mode is never a surprise.
    func inputMethodRows(_ flow: KioskFlow, width: Int) -> [Row] {
        let texts = text.name.inputMethodOrDefault
        let method = texts.name(flow.inputMethod, flow.language)
        let status = wrapped(texts.status[flow.language].filled(["method": method]), width)
        return status + (texts.keys(flow.inputMethod).map { wrapped($0[flow.language], width) } ?? [])
    }
}
