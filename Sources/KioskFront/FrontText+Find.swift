import PledgeKit

extension FrontText {
    /// The attendant's search for a signer who lost the code (issue 17, item 5).
    public struct FindTexts: Decodable, Sendable, Equatable {
        /// `option`: the menu's line; `row`: one result, placeholders {name}, {time}, {number};
        /// `more`: under a full list, placeholder {count}.
        public var option, title, prompt, searching, noMatch, row, more, hint: Text

        public init(
            option: Text, title: Text, prompt: Text, searching: Text, noMatch: Text, row: Text, more: Text, hint: Text
        ) {
            (self.option, self.title, self.prompt, self.searching) = (option, title, prompt, searching)
            (self.noMatch, self.row, self.more, self.hint) = (noMatch, row, more, hint)
        }
    }

    /// ``find``, or the built-in words when the file has none.
    public var findOrDefault: FindTexts {
        find
            ?? FindTexts(
                option: Text(vi: "Tìm lại mã giấy chứng nhận", en: "Find a lost certificate code"),
                title: Text(vi: "Tìm lại giấy chứng nhận", en: "Find a certificate again"),
                prompt: Text(
                    vi: "Gõ tên người đã ký (không dấu cũng được), rồi nhấn Enter:",
                    en: "Type the signer's name (accents not needed), then Enter:"),
                searching: Text(vi: "Đang tìm…", en: "Searching…"),
                noMatch: Text(
                    vi: "Không tìm thấy ai có tên này trong sự kiện.", en: "No one of this name at this event."),
                row: Text(vi: "số {number} · {time} · {name}", en: "no. {number} · {time} · {name}"),
                more: Text(
                    vi: "Chỉ hiện {count} người đầu tiên: gõ thêm tên để tìm đúng hơn.",
                    en: "Only the first {count} are shown: type more of the name."),
                hint: Text(
                    vi: "Enter: tìm, hoặc hiện mã QR đã chọn · ↑ ↓: chọn · Esc: xóa, quay lại",
                    en: "Enter: search, or show the chosen QR · ↑ ↓: choose · Esc: clear, back"))
    }
}
