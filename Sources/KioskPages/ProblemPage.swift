/// The page a browser gets instead of a problem detail's JSON when it asks for a page that is not
/// there (template `Templates/problem.mustache`): the problem's words in both languages, what to
/// try, and the links to check a certificate and to get help.
public enum ProblemPage {
    /// - Parameters:
    ///   - vi: the problem's Vietnamese words (``PledgeKit/Localized``'s `vi`).
    ///   - en: its English words.
    /// - Returns: the page, UTF-8 HTML.
    public static func html(vi: String, en: String) -> String {
        BuiltInPages.render("problem", ["vi": vi, "en": en])
    }
}
