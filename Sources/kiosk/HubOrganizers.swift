import ArgumentParser
import Foundation
import HubCore
import HubStore
import KioskAPI
import PledgeKit

/// `kiosk hub add-organizer`: creates an organizer account and prints its token once.
struct HubAddOrganizer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-organizer",
        abstract: "Create an organizer account at the hub and print its token (once).",
        discussion: """
            The account sees and exports only its scope: national (every event), province:<name> (the \
            events held in one of the 34 provinces, e.g. province:"Hà Nội" or province:hanoi), or \
            event:<id> (one registered event). The token is printed once and never stored at the hub \
            (only its SHA-256); send it as Authorization: Bearer <token> to /api/organizer/….
            """)

    @OptionGroup var database: HubDatabaseOptions

    @Option(help: "The team's name, e.g. \"Ban tổ chức Hà Nội\" (a label, never a signer's name).")
    var name: String

    @Option(help: "national, province:<name> or event:<id>.")
    var scope: String

    @Option(help: "Output: text, or json for a program.")
    var format: HubAddEvent.Format = .text

    func run() async throws {
        let label: String
        do throws(PledgeError) { label = try TextField.teamName.normalize(name) } catch {
            throw CLIError("--name: \(error.message.vi) · \(error.message.en)")
        }
        let scope: OrganizerScope
        do throws(HubError) { scope = try OrganizerScope(parsing: self.scope) } catch {
            throw CLIError("--scope: \(HubDatabaseOptions.text(error))")
        }
        let token = OrganizerToken.random()
        let organizer = try await HubDatabase.with(try database.configuration(), migrate: true) { store in
            do throws(HubError) {
                return try await store.addOrganizer(name: label, scope: scope, tokenHash: token.storageHash)
            } catch {
                throw CLIError("--scope: \(HubDatabaseOptions.text(error))")
            }
        }
        let printed = OrganizerCredentials(id: organizer.id, name: organizer.name, scope: "\(scope)", token: token.text)
        switch format {
        case .json: print(String(decoding: try WireJSON.encode(printed), as: UTF8.self))
        case .text:
            print(
                """
                Đã tạo tài khoản ban tổ chức \(printed.id) · Organizer account \(printed.id) created.
                name:  \(printed.name)
                scope: \(printed.scope)
                token: \(printed.token)

                Mã chỉ in một lần; giữ kín như mật khẩu. · The token is printed once; keep it secret.
                """)
        }
    }
}

/// What `kiosk hub add-organizer` prints: `--format json` gives these members.
struct OrganizerCredentials: Encodable {
    var id: Int
    var name: String
    var scope: String
    var token: String
}

/// `kiosk hub organizers`: every account, without tokens (the hub has none to show).
struct HubListOrganizers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "organizers", abstract: "List the hub's organizer accounts (ids, names, scopes; no tokens).")

    @OptionGroup var database: HubDatabaseOptions

    @Option(help: "Output: text, or json for a program.")
    var format: HubAddEvent.Format = .text

    func run() async throws {
        let accounts = try await HubDatabase.with(try database.configuration(), migrate: true) { store in
            try await store.organizers()
        }
        let listed = accounts.map {
            OrganizerListing(
                id: $0.id, name: $0.name, scope: "\($0.scope)", createdAt: SyncBatch.text($0.createdAt),
                revokedAt: $0.revokedAt.map(SyncBatch.text))
        }
        switch format {
        case .json: print(String(decoding: try WireJSON.encode(listed), as: UTF8.self))
        case .text:
            guard !listed.isEmpty else {
                print("Chưa có tài khoản ban tổ chức nào · No organizer accounts yet.")
                return
            }
            // Tab-separated, one account a line, under a header (Vietnamese, then the key).
            print(["Mã · id", "Phạm vi · scope", "Trạng thái · state", "Tên · name"].joined(separator: "\t"))
            for account in listed {
                let state = account.revokedAt.map { "đã thu hồi · revoked \($0)" } ?? "đang dùng · active"
                print("\(account.id)\t\(account.scope)\t\(state)\t\(account.name)")
            }
        }
    }
}

/// One account as `kiosk hub organizers --format json` lists it.
struct OrganizerListing: Encodable {
    var id: Int
    var name: String
    var scope: String
    /// RFC 3339, UTC.
    var createdAt: String
    var revokedAt: String?
}

/// `kiosk hub remove-organizer --id N`: revokes an account; its token is refused from then on
/// (the account stays, so its rows of the audit log keep naming it).
struct HubRemoveOrganizer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-organizer",
        abstract: "Revoke an organizer account: its token is refused from now on (its audit rows stay).")

    @OptionGroup var database: HubDatabaseOptions

    @Option(help: "The account's id, as kiosk hub organizers lists it.")
    var id: Int

    func run() async throws {
        let revoked = try await HubDatabase.with(try database.configuration(), migrate: true) { store in
            try await store.revokeOrganizer(id: id, at: Date())
        }
        guard revoked else {
            throw CLIError(
                "--id: không có tài khoản đang hoạt động nào mang số \(id) · no active organizer account has the id \(id)."
            )
        }
        print("Đã thu hồi tài khoản \(id) · Organizer account \(id) revoked.")
    }
}
