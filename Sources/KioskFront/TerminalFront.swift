import Dispatch
import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kiosk's terminal front (`kiosk run`, `kiosk front`): drives ``KioskFlow`` with keys, a
/// clock, a ``PledgeRecorder`` and a ``PledgeCounter``, and draws it with ``ScreenRenderer``.
///
/// The terminal is restored (settings, cursor, normal screen, colours) on every way out: Ctrl-C,
/// SIGINT, SIGTERM, SIGHUP, end of input, or an error.
public struct TerminalFront: Sendable {
    let recorder: any PledgeRecorder
    /// Where the welcome screen's total comes from.
    let counter: any PledgeCounter
    /// Where the welcome screen's presence link comes from (``FlowEvent/presence(_:)``), asked with
    /// the total; nil: no phone QR.
    let presence: (@Sendable () async -> String?)?
    /// Where the attendant finds a signer by name (the store, or the service over the LAN); nil:
    /// the menu does not offer it.
    let finder: (any SignerFinder)?
    let renderer: ScreenRenderer
    let language: Language
    let attendantPIN: String?
    let developerMode: Bool
    let pinFailures: Int
    let onPINFailures: @Sendable (Int) -> Void

    /// - Parameter presence: gives the web flow's link with the presence code of the moment, for the
    ///   welcome screen's QR; nil: none shown.
    /// - Parameter finder: finds this event's signers by name for the attendant; nil: not offered.
    /// - Parameter developerMode: started with `--developer-mode`; the screens say so.
    /// - Parameter restart: set when the terminal guard started this screen again; shown to the
    ///   attendant.
    /// - Parameter pinFailures: wrong PINs in a row before a restart (``KioskFlow``'s back-off
    ///   goes on from there); `onPINFailures` is told each change, for the next screen process.
    /// - Throws: `ConfigurationError` when the front's texts (`configuration.frontTextFile`)
    ///   cannot be read.
    public init(
        recorder: any PledgeRecorder, counter: any PledgeCounter, configuration: EventConfiguration,
        presence: (@Sendable () async -> String?)? = nil, finder: (any SignerFinder)? = nil,
        developerMode: Bool = false,
        restart: RestartNotice? = nil, pinFailures: Int = 0,
        onPINFailures: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        self.pinFailures = pinFailures
        self.onPINFailures = onPINFailures
        self.recorder = recorder
        self.counter = counter
        self.presence = presence
        self.finder = finder
        self.renderer = ScreenRenderer(
            text: try FrontText.load(from: configuration.frontTextFile), event: EventDetails(configuration),
            restart: restart, largeText: .forTerminal(environment: ProcessInfo.processInfo.environment))
        self.language = configuration.language
        self.attendantPIN = configuration.attendantPIN
        self.developerMode = developerMode
    }

    /// Whether standard input and output are both terminals, so ``run()`` can work.
    public static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// What the run loop waits for.
    enum Input: Sendable {
        case flow(FlowEvent)
        case tick
        /// A signal or the end of input: restore the terminal and return.
        case stop
    }

    /// Why ``run(events:onDrawn:onReport:)`` returned.
    public enum Ending: Sendable, Equatable {
        /// The attendant chose to quit (or Ctrl-C without a PIN): the program ends.
        case quit
        /// A termination signal or the end of input.
        case stopped
    }

    /// Runs the front until the attendant quits (or Ctrl-C without a PIN), a termination signal or
    /// the end of input.
    /// - Parameters:
    ///   - events: more events for the flow, such as the link to the service of a front on the LAN.
    ///   - onDrawn: told once, when the first screen is drawn (the terminal guard's sign that the
    ///     start-up is over).
    ///   - onReport: told when the attendant pauses or resumes the kiosk.
    /// - Returns: why it ended.
    /// - Throws: ``TerminalError`` when standard input is not a terminal.
    @discardableResult
    public func run(
        events: AsyncStream<FlowEvent>? = nil, onDrawn: @Sendable () -> Void = {},
        onReport: @escaping @Sendable (KioskState) -> Void = { _ in }
    ) async throws -> Ending {
        let terminal = try RawTerminal()
        let reader = try InputReader()
        let (inputs, sink) = AsyncStream.makeStream(of: Input.self)

        // Signals become events; ignoring them first keeps their default action (exit without
        // restoring the terminal) from running. The previous dispositions come back at the end.
        let numbers = [SIGINT, SIGTERM, SIGHUP, SIGWINCH]
        let previous = numbers.map { signal($0, SIG_IGN) }
        let signals = numbers.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { sink.yield(number == SIGWINCH ? .flow(.resized) : .stop) }
            source.resume()
            return source
        }
        defer {
            sink.finish()
            reader.stop()
            for source in signals { source.cancel() }
            terminal.restore()
            for (number, handler) in zip(numbers, previous) { signal(number, handler) }
        }
        try terminal.enter()
        reader.start(onKey: { sink.yield(.flow(.key($0))) }, onEnd: { sink.yield(.stop) })
        let ticker = Task {
            while !Task.isCancelled {
                sink.yield(.tick)
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let forwarder = Task {
            guard let events else { return }
            for await event in events { sink.yield(.flow(event)) }
        }
        defer {
            ticker.cancel()
            forwarder.cancel()
        }

        return await loop(inputs, sink: sink, terminal: terminal, onDrawn: onDrawn, onReport: onReport)
    }

    private func loop(
        _ inputs: AsyncStream<Input>, sink: AsyncStream<Input>.Continuation, terminal: RawTerminal,
        onDrawn: @Sendable () -> Void, onReport: @Sendable (KioskState) -> Void
    ) async -> Ending {
        let clock = ContinuousClock()
        let start = clock.now
        var flow = KioskFlow(
            language: language, attendantPIN: attendantPIN, developerMode: developerMode, pinFailures: pinFailures,
            findsSigners: finder != nil)
        var reportedFailures = flow.pinFailures
        var renderer = self.renderer
        // F2 on a Linux console: a larger font while large text is on (see ``ConsoleFont``).
        var console = ConsoleFont.forTerminal(
            environment: ProcessInfo.processInfo.environment,
            device: ttyname(terminal.input).map { String(cString: $0) })
        defer { console?.restore() }
        draw(flow, with: renderer, on: terminal)
        onDrawn()
        for await input in inputs {
            let event: FlowEvent
            switch input {
            case .stop: return .stopped
            case .tick: event = .tick(clock.now - start)
            case .flow(let flowEvent): event = flowEvent
            }
            let effects = flow.handle(event)
            Self.followLargeText(flow, console: &console, renderer: &renderer, size: terminal.size)
            if flow.pinFailures != reportedFailures {
                reportedFailures = flow.pinFailures
                onPINFailures(reportedFailures)
            }
            for effect in effects {
                switch effect {
                case .quit:
                    return .quit
                case .report(let state):
                    onReport(state)
                case .redraw:
                    draw(flow, with: renderer, on: terminal)
                case .refreshCount:
                    // Short calls, left to finish on their own; their answers are ignored after the loop ends.
                    Task { [counter, presence] in
                        // A count that cannot be read leaves the last one on screen.
                        if let counts = try? await counter.counts() { sink.yield(.flow(.counted(counts.total))) }
                        if let presence { sink.yield(.flow(.presence(await presence()))) }
                    }
                case .find(let text):
                    guard let finder else { break }
                    Task {
                        let result: Result<[FoundSigner], PledgeError>
                        do throws(PledgeError) {
                            result = .success(try await finder.findSigners(named: text, limit: KioskFlow.findLimit))
                        } catch {
                            result = .failure(error)
                        }
                        sink.yield(.flow(.found(text, result)))
                    }
                case .submit(let draft, let key):
                    Task { [recorder] in
                        do throws(PledgeError) {
                            let outcome = try await recorder.record(draft, key: key, kioskID: nil, code: nil)
                            sink.yield(.flow(.recorded(outcome)))
                        } catch {
                            sink.yield(.flow(.failed(error)))
                        }
                    }
                }
            }
        }
        return .stopped
    }

    /// Switches the console's font to follow F2: large while large text is on, except on a screen
    /// with a QR (which the large font cannot draw), normal otherwise. When the switch fails, the
    /// console is left alone from then on and large text is drawn as in a terminal emulator.
    static func followLargeText(
        _ flow: KioskFlow, console: inout ConsoleFont?, renderer: inout ScreenRenderer,
        size: (columns: Int, lines: Int)
    ) {
        guard var font = console else { return }
        let wanted = flow.display.largeText && !flow.showsQR
        guard wanted != font.enlarged else { return }
        if !wanted {
            font.restore()
            console = font
            return
        }
        if font.enlarge(screen: size) {
            console = font
            renderer.largeText = .font
        } else {
            console = nil
            renderer.largeText = .widened
        }
    }

    private func draw(_ flow: KioskFlow, with renderer: ScreenRenderer, on terminal: RawTerminal) {
        let size = terminal.size
        terminal.draw(renderer.render(flow, columns: size.columns, lines: size.lines))
    }
}
