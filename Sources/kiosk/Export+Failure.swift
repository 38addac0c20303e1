import Foundation
import PledgeKit

#if canImport(Glibc)
    import Glibc
#endif

extension Export {
    /// The error of an export that wrote nothing at `path` (`kiosk export`, `kiosk hub export`),
    /// Vietnamese first, with what went wrong in words: a full disk says so (the breaker saw
    /// `Error Domain=NSCocoaErrorDomain Code=640`), the store's errors give their message.
    static func failed(writing path: String, _ error: any Error) -> CLIError {
        let lead = "Xuất dữ liệu không thành công, không ghi gì vào \(path) · export failed, nothing written to \(path)"
        return CLIError("\(lead): \(reason(error))")
    }

    /// The error of an `--output` that exists, without `--overwrite`, Vietnamese first.
    static func outputExists(_ path: String) -> CLIError {
        CLIError(
            "Tệp \(path) đã có; chọn --output khác, hoặc thêm --overwrite để ghi đè · "
                + "\(path) exists; choose another --output, or add --overwrite to replace it")
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PledgeError { return error.message.vi + " · " + error.message.en }
        if isDiskFull(error) { return "ổ đĩa đã đầy · the disk is full" }
        let error = error as NSError
        if error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain {
            return error.localizedDescription
        }
        return String(describing: error)
    }

    /// Out of space, however it is told: ENOSPC or EDQUOT, Foundation's write error 640, or one
    /// of those under it.
    static func isDiskFull(_ error: any Error) -> Bool {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain, [Int(ENOSPC), Int(EDQUOT)].contains(error.code) { return true }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileWriteOutOfSpaceError { return true }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return isDiskFull(underlying) }
        return String(describing: error).contains("No space left on device")
    }
}
