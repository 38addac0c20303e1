import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the terminal's bytes on a thread of its own (a blocking poll(2) must not hold a
/// cooperative-pool thread) and hands decoded keys on.
final class InputReader: Sendable {
    /// How long a lone Esc waits for the rest of an arrow key's sequence.
    static let escapeWait: Int32 = 40  // milliseconds

    private struct State {
        var started = false
        var stopped = false
        var exited = false
    }

    private let input: Int32
    /// A pipe whose read end wakes the thread's poll when ``stop()`` writes to it.
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(State())

    init(input: Int32 = STDIN_FILENO) throws(TerminalError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TerminalError(operation: "pipe", errno: errno) }
        self.input = input
        self.wake = (fds[0], fds[1])
    }

    /// Starts the thread: `onKey` gets each key, `onEnd` is called once if input ends (EOF or
    /// error) before ``stop()``.
    func start(onKey: @escaping @Sendable (Key) -> Void, onEnd: @escaping @Sendable () -> Void) {
        let mayStart = state.withLock { state in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        guard mayStart else { return }
        let thread = Thread { [self] in
            run(onKey: onKey, onEnd: onEnd)
        }
        thread.name = "kiosk-input"
        thread.start()
    }

    /// Wakes the thread and lets it end. Safe to call more than once, and after input ended.
    func stop() {
        state.withLock { state in
            state.stopped = true
            if !state.started, !state.exited {
                // No thread will close the pipe.
                state.exited = true
                close(wake.read)
                close(wake.write)
            } else if !state.exited {
                var byte: UInt8 = 1
                _ = write(wake.write, &byte, 1)
            }
        }
    }

    private func run(onKey: @Sendable (Key) -> Void, onEnd: @Sendable () -> Void) {
        var decoder = KeyDecoder()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var ended = false
        loop: while true {
            var fds = [
                pollfd(fd: input, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, decoder.hasPending ? Self.escapeWait : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                ended = true
                break
            }
            if fds[1].revents != 0 { break }
            if ready == 0 {
                decoder.flush().forEach(onKey)
                continue
            }
            let count = read(input, &buffer, buffer.count)
            switch count {
            case 0:
                ended = true
                break loop
            case ..<0:
                if errno == EINTR || errno == EAGAIN { continue }
                ended = true
                break loop
            default:
                decoder.decode(buffer[..<count]).forEach(onKey)
            }
        }
        let reportEnd = state.withLock { state in
            state.exited = true
            close(wake.read)
            close(wake.write)
            return ended && !state.stopped
        }
        if reportEnd { onEnd() }
    }
}
