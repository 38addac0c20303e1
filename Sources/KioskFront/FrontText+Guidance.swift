import PledgeKit

extension FrontText {
    /// The words that make screens say what they do (issue 17): how long a name is kept on the
    /// consent screen, a name over the limit, Enter with nothing chosen, and how many entries of a
    /// list are out of sight. `guidance:` in `Kiosk/front.yaml`; optional, so a front.yaml reworded
    /// before it existed still loads (``FrontText/guidanceOrDefault``).
    public struct Guidance: Decodable, Sendable, Equatable {
        /// On the consent screen when a name will be printed: how long it is kept. Placeholder
        /// {date}: the event's `retainPersonalDataUntil` as the language writes a day.
        public var retention: Text
        /// The same when the event sets no retention date.
        public var retentionUnset: Text
        /// Under a name over the limit, with the store's refusal. Placeholders {count}: the
        /// name's characters as the store counts them; {max}: the limit.
        public var nameLength: Text
        /// Enter on the age band screen with no band chosen.
        public var ageBandNotChosen: Text
        /// Above and below a list in part out of sight. Placeholder {count}: the entries hidden.
        public var moreAbove, moreBelow: Text

        public init(
            retention: Text, retentionUnset: Text, nameLength: Text, ageBandNotChosen: Text, moreAbove: Text,
            moreBelow: Text
        ) {
            self.retention = retention
            self.retentionUnset = retentionUnset
            self.nameLength = nameLength
            self.ageBandNotChosen = ageBandNotChosen
            self.moreAbove = moreAbove
            self.moreBelow = moreBelow
        }

        /// The built-in words, as `Kiosk/front.yaml` has them.
        public static let builtIn = Guidance(
            retention: Text(
                vi: "Tên được giữ đến hết ngày {date}, rồi bị xóa; lời cam kết vẫn được tính.",
                en: "The name is kept until the end of {date}, then erased; the pledge still counts."),
            retentionUnset: Text(
                vi: "Sự kiện chưa đặt ngày xóa tên: tên được giữ đến khi bạn hoặc ban tổ chức xóa.",
                en: "The event has set no day to erase names: the name is kept until you or the organizers erase it."),
            nameLength: Text(
                vi: "Tên đang có {count} ký tự, tối đa {max}. Nhấn Backspace để xóa bớt.",
                en: "The name has {count} characters, at most {max}. Press Backspace to shorten it."),
            ageBandNotChosen: Text(
                vi: "Bạn chưa chọn nhóm tuổi. Nhấn phím 1–5, hoặc ↑ ↓ để chọn, rồi nhấn Enter.",
                en: "No age group chosen yet. Press a key 1–5, or ↑ ↓ to choose, then press Enter."),
            moreAbove: Text(vi: "↑ còn {count} mục ở trên", en: "↑ {count} more above"),
            moreBelow: Text(vi: "↓ còn {count} mục ở dưới", en: "↓ {count} more below"))
    }

    /// ``guidance``, or the built-in words when the file has none.
    public var guidanceOrDefault: Guidance { guidance ?? .builtIn }
}
