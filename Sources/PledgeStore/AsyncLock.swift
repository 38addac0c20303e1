import Synchronization

/// A lock held across suspension points (`await`), handed to waiters in the order they came.
final class AsyncLock: Sendable {
    private let state = Mutex<(locked: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if !state.locked {
                    state.locked = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.locked = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
