import ArgumentParser
import Foundation
import PledgeKit

extension Kiosk {
    /// ArgumentParser's `main()`, with every error message (ours, `CLIError` and
    /// `ValidationError`, and the parser's own, which repeat the arguments given) printed through
    /// ``TerminalEscaping/escapingControls(_:)``: `--scope $'province:\e[31mX'` shows
    /// `province:\u{1B}[31mX`, never red text. Help and `--version` are printed as ArgumentParser does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            let message = TerminalEscaping.escapingControls(fullMessage(for: error))
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}
