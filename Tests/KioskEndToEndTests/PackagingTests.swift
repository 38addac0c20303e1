import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `make package` and `make install` (scripts/package, packaging/): the .deb of the kiosk binary
/// under test installs into a scratch root with its maintainer scripts confined there (`dpkg
/// --root` with `--force-script-chrootless`: the scripts get `DPKG_ROOT`), its systemd units pass
/// `systemd-analyze verify` there (and a broken copy does not), and `make install` lays out the same
/// tree. The package holds the debug binary (`BINARY=`): no release build in `make test`.
@Suite("Install as a service: make package, make install, the systemd units")
struct PackagingTests {
    static let packageName = "khong-mot-minh-kiosk"
    static let units = ["kiosk.service", "kiosk-front.service"]

    /// The .deb, built once for the suite: `make package BINARY=$KIOSK_BINARY` (gzip: the debug
    /// binary is 100 MB, xz would take a minute).
    static let package: Result<String, any Error> = Result {
        let folder = temporaryDirectory("package")
        let made = try make([
            "package", "BINARY=\(RepositoryPaths.kioskBinary)", "PACKAGE_DIR=\(folder.path)", "COMPRESSION=gzip",
        ])
        guard made.status == 0 else { throw PackagingFailure("make package: \(made.stderr)") }
        let debs = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".deb") }
        guard debs.count == 1 else { throw PackagingFailure("make package made \(debs), not one .deb") }
        return folder.appendingPathComponent(debs[0]).path
    }

    struct PackagingFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @discardableResult
    static func make(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ProcessRunner.run("make", ["--no-print-directory", "-C", RepositoryPaths.root.path] + arguments)
    }

    /// Runs a program that must succeed; its standard output.
    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run(executable, arguments)
        guard result.status == 0 else {
            throw PackagingFailure("\(executable) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        return result.stdout
    }

    /// The Kiosk/ files the package must put in /etc/kiosk.
    var configurationFiles: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(
                atPath: RepositoryPaths.root.appendingPathComponent("Kiosk").path
            ).filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted()
        }
    }

    /// An empty scratch root laid out as Debian 12's (merged /usr) with an empty dpkg database.
    func scratchRoot(_ name: String) throws -> URL {
        let root = temporaryDirectory(name)
        let manager = FileManager.default
        for folder in ["usr/bin", "usr/sbin", "usr/lib", "etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "tmp"] {
            try manager.createDirectory(
                at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for link in ["bin", "sbin", "lib"] {
            try manager.createSymbolicLink(
                atPath: root.appendingPathComponent(link).path, withDestinationPath: "usr/\(link)")
        }
        for file in ["var/lib/dpkg/status", "var/lib/dpkg/available"] {
            _ = manager.createFile(atPath: root.appendingPathComponent(file).path, contents: nil)
        }
        return root
    }

    /// systemd's own units in the scratch root, as on a machine with systemd installed: verify
    /// resolves `WantedBy=multi-user.target` and the default dependencies there. Never over a
    /// unit the package installed.
    func addSystemdUnits(to root: URL) throws {
        let target = root.appendingPathComponent("usr/lib/systemd/system")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try run("cp", ["-a", "-n", "/usr/lib/systemd/system/.", target.path])
    }

    /// `systemd-analyze verify` of units under `root`: whether it passed (exit 0 and not one warning:
    /// an unknown key or a bad value is only a warning, with exit 0) and what it said.
    func verify(_ units: [String], root: URL) throws -> (passed: Bool, output: String) {
        let result = try ProcessRunner.run("systemd-analyze", ["verify", "--root=\(root.path)"] + units)
        let output = (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        return (result.status == 0 && output.isEmpty, output)
    }

    /// dpkg on the scratch root: its database, its files, and the maintainer scripts run with
    /// DPKG_ROOT (dependencies are not installed there: --force-depends).
    func dpkg(_ arguments: [String], root: URL) throws -> String {
        try run(
            "dpkg",
            [
                "--root=\(root.path)", "--force-script-chrootless", "--force-depends", "--force-not-root",
                "--log=\(root.appendingPathComponent("dpkg.log").path)",
            ] + arguments)
    }

    /// Every regular file and symbolic link under `root`: relative path → permission bits and size
    /// (or the link's target). ``sameTree(_:_:)`` also compares the bytes.
    func tree(_ root: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        let manager = FileManager.default
        for relative in try manager.subpathsOfDirectory(atPath: root.path) {
            let path = root.appendingPathComponent(relative).path
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files[relative] = "\(String(info.st_mode & 0o7777, radix: 8)) \(info.st_size)"
            case S_IFLNK: files[relative] = "-> \(try manager.destinationOfSymbolicLink(atPath: path))"
            default: continue
            }
        }
        return files
    }

    /// The same files, links, permission bits and bytes under both roots.
    func sameTree(_ one: URL, _ other: URL) throws -> Bool {
        let files = try tree(one)
        guard try tree(other) == files else { return false }
        return files.keys.allSatisfy {
            FileManager.default.contentsEqual(
                atPath: one.appendingPathComponent($0).path, andPath: other.appendingPathComponent($0).path)
        }
    }

    func mode(_ path: String) -> (mode: mode_t, uid: uid_t, gid: gid_t)? {
        var info = stat()
        return lstat(path, &info) == 0 ? (info.st_mode & 0o7777, info.st_uid, info.st_gid) : nil
    }

    /// The id of `name` in a passwd or group file, nil when it is not there.
    func id(of name: String, in file: URL) -> UInt32? {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, fields[0] == name { return UInt32(fields[2]) }
        }
        return nil
    }

    /// The installed binary runs, and the installed event.yaml loads with every file it names (the
    /// poster reads the configuration, the resources and the installed certificate templates).
    func expectInstalledKioskWorks(binary: String, config: String) throws {
        let help = try ProcessRunner.run(binary, ["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: kiosk"), "\(help.stdout)")
        let poster = temporaryDirectory("installed-poster").appendingPathComponent("poster.pdf").path
        let made = try ProcessRunner.run(binary, ["poster", "--config", config, "--output", poster])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try run("pdftotext", [poster, "-"]).contains("Không một mình"))
    }

    @Test("The package's control file: version, architecture, Depends, conffiles, maintainer scripts")
    func controlFile() throws {
        let deb = try Self.package.get()
        let version = try run(RepositoryPaths.kioskBinary, ["--version"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let architecture = try run("dpkg", ["--print-architecture"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix("/\(Self.packageName)_\(version)_\(architecture).deb"), "\(deb)")
        let info = try run("dpkg-deb", ["--info", deb])
        #expect(info.contains("Package: \(Self.packageName)"), "\(info)")
        #expect(info.contains("Version: \(version)"))
        #expect(info.contains("Architecture: \(architecture)"))
        for script in ["postinst", "prerm", "postrm", "conffiles", "md5sums"] {
            #expect(info.contains(" \(script)"), "\(script) missing: \(info)")
        }
        let depends = Set(
            try run("dpkg-deb", ["--field", deb, "Depends"]).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            })
        for library in [
            "libqrencode4", "libsqlite3-0", "librsvg2-2", "libcairo2", "libfontconfig1", "fonts-noto-core", "libisal2",
            "zlib1g", "libcurl4", "libxml2", "systemd",
        ] {
            #expect(depends.contains(library), "Depends lacks \(library): \(depends.sorted())")
        }
        // F2 on the console: setfont and the Vietnamese console fonts (ConsoleFont).
        let recommends = try run("dpkg-deb", ["--field", deb, "Recommends"])
        #expect(recommends.contains("kbd") && recommends.contains("console-setup-linux"), "\(recommends)")
        let conffiles = try run("dpkg-deb", ["--info", deb, "conffiles"]).split(separator: "\n").map(String.init)
        #expect(conffiles == (try configurationFiles).map { "/etc/kiosk/\($0)" })
    }

    /// The Debian packages of the libraries the kiosk binary needs: its own NEEDED entries, and
    /// for a library of the Swift toolchain (not from a package: in the release binary the Swift
    /// runtime is linked in), that library's. The same rule as dpkg-shlibdeps, one level for
    /// what is linked in.
    func libraryPackages(of binary: String) throws -> Set<String> {
        var packages: Set<String> = []
        var seen: Set<String> = []
        var queue = [binary]
        while let file = queue.popLast() {
            // ldd: "libfoo.so.1 => /path/libfoo.so.1 (0x…)" for each library, needed ones included.
            var resolved: [String: String] = [:]
            for line in try run("ldd", [file]).split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count >= 3, parts[1] == "=>" {
                    resolved[String(parts[0].drop { $0 == "\t" })] = String(parts[2])
                }
            }
            let needed = try run("readelf", ["-d", file]).split(separator: "\n").compactMap { line in
                line.contains("(NEEDED)")
                    ? line.split(separator: "[").last?.split(separator: "]").first.map(String.init) : nil
            }
            for name in needed where !name.hasPrefix("ld-linux") {
                guard let path = resolved[name] else { throw PackagingFailure("\(file) needs \(name), not found") }
                guard seen.insert(path).inserted else { continue }
                // dpkg knows a file by one of its merged-/usr names (/lib/… or /usr/lib/…).
                let alias = path.hasPrefix("/usr/") ? String(path.dropFirst(4)) : "/usr" + path
                var owner: String?
                for candidate in [path, alias] where owner == nil {
                    let result = try ProcessRunner.run("dpkg", ["-S", candidate])
                    if result.status == 0 { owner = result.stdout }
                }
                if let owner, let package = owner.split(separator: ":").first {
                    packages.insert(String(package))
                } else {
                    queue.append(path)
                }
            }
        }
        return packages
    }

    @Test("Depends names the package of every library the binary links")
    func dependsCoversLinkedLibraries() throws {
        let deb = try Self.package.get()
        let depends = Set(
            try run("dpkg-deb", ["--field", deb, "Depends"]).split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            })
        let needed = try libraryPackages(of: RepositoryPaths.kioskBinary)
        #expect(needed.contains("libsqlite3-0") && needed.contains("libcurl4"), "\(needed.sorted())")
        #expect(needed.subtracting(depends).isEmpty, "not in Depends: \(needed.subtracting(depends).sorted())")
    }

    @Test("The package installs into a scratch root and comes out of it, the system untouched")
    func installsIntoScratchRoot() throws {
        let deb = try Self.package.get()
        let root = try scratchRoot("scratch-root")
        defer { try? FileManager.default.removeItem(at: root) }
        let hostPasswd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let hostWants = "/etc/systemd/system/multi-user.target.wants/kiosk.service"
        let hostHadWants = FileManager.default.fileExists(atPath: hostWants)

        try dpkg(["--install", deb], root: root)
        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        // The files: binary, configuration, templates, units.
        try expectInstalledKioskWorks(binary: path("usr/bin/kiosk"), config: path("etc/kiosk/event.yaml"))
        for file in try configurationFiles {
            #expect(FileManager.default.fileExists(atPath: path("etc/kiosk/\(file)")), "\(file)")
        }
        let templates = RepositoryPaths.root.appendingPathComponent("Certificates/default")
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: path("usr/share/kiosk/Certificates/default/\(file)"),
                    andPath: templates.appendingPathComponent(file).path), "\(file)")
        }
        for unit in Self.units {
            let text = try String(contentsOfFile: path("usr/lib/systemd/system/\(unit)"), encoding: .utf8)
            #expect(text.contains("ExecStart=/usr/bin/kiosk "), "\(unit)")
        }

        // The postinst, inside the root: the user, event.yaml root:kiosk 0640, only kiosk.service enabled.
        let uid = id(of: "kiosk", in: root.appendingPathComponent("etc/passwd"))
        let gid = id(of: "kiosk", in: root.appendingPathComponent("etc/group"))
        #expect(uid != nil && gid != nil)
        let event = mode(path("etc/kiosk/event.yaml"))
        #expect(event?.mode == 0o640 && event?.uid == 0 && event?.gid == gid, "\(String(describing: event))")
        // deb-systemd-helper links through /lib (merged with /usr/lib).
        let link = try? FileManager.default.destinationOfSymbolicLink(
            atPath: path("etc/systemd/system/multi-user.target.wants/kiosk.service"))
        #expect(link?.hasSuffix("lib/systemd/system/kiosk.service") == true, "\(String(describing: link))")
        #expect(
            !FileManager.default.fileExists(
                atPath: path("etc/systemd/system/multi-user.target.wants/kiosk-front.service")))
        #expect(
            try run("dpkg-query", ["--admindir=\(path("var/lib/dpkg"))", "-W", "-f=${Status}", Self.packageName])
                == "install ok installed")

        // Nothing outside it.
        #expect(try String(contentsOfFile: "/etc/passwd", encoding: .utf8) == hostPasswd)
        #expect(FileManager.default.fileExists(atPath: hostWants) == hostHadWants)
        #expect(try ProcessRunner.run("dpkg-query", ["-W", Self.packageName]).status != 0)

        // The organizer sets a PIN; the service made its files (as systemd would, owned by kiosk).
        let edited = try String(contentsOfFile: path("etc/kiosk/event.yaml"), encoding: .utf8)
            .replacingOccurrences(of: #"attendantPIN: """#, with: #"attendantPIN: "2468""#)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path("etc/kiosk/event.yaml")))
        try FileManager.default.createDirectory(atPath: path("var/lib/kiosk"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path("var/lib/kiosk/kiosk.sqlite"), contents: Data("pledges".utf8))
        #expect(chown(path("var/lib/kiosk/kiosk.sqlite"), uid ?? 0, gid ?? 0) == 0)

        // Removed: the program and units go, the organizer's edited configuration stays.
        try dpkg(["--remove", Self.packageName], root: root)
        #expect(!FileManager.default.fileExists(atPath: path("usr/bin/kiosk")))
        #expect(!FileManager.default.fileExists(atPath: path("usr/lib/systemd/system/kiosk.service")))
        #expect(try String(contentsOfFile: path("etc/kiosk/event.yaml"), encoding: .utf8) == edited)

        // Purged: the configuration, the links and the user go; the pledges stay, given to root.
        try dpkg(["--purge", Self.packageName], root: root)
        #expect(!FileManager.default.fileExists(atPath: path("etc/kiosk/event.yaml")))
        #expect(
            !FileManager.default.fileExists(atPath: path("etc/systemd/system/multi-user.target.wants/kiosk.service")))
        #expect(id(of: "kiosk", in: root.appendingPathComponent("etc/passwd")) == nil)
        #expect(id(of: "kiosk", in: root.appendingPathComponent("etc/group")) == nil)
        #expect(try String(contentsOfFile: path("var/lib/kiosk/kiosk.sqlite"), encoding: .utf8) == "pledges")
        let kept = mode(path("var/lib/kiosk/kiosk.sqlite"))
        #expect(kept?.uid == 0 && kept?.gid == 0, "\(String(describing: kept))")
        #expect(try String(contentsOfFile: "/etc/passwd", encoding: .utf8) == hostPasswd)
    }

    @Test("The installed units pass systemd-analyze verify and rate OK in systemd-analyze security")
    func unitsVerify() throws {
        let deb = try Self.package.get()
        let root = try scratchRoot("verify-root")
        defer { try? FileManager.default.removeItem(at: root) }
        try run("dpkg-deb", ["--extract", deb, root.path])
        try addSystemdUnits(to: root)
        let verified = try verify(Self.units, root: root)
        #expect(verified.passed, "\(verified.output)")
        // Exposure at most 2.0 of 10 ("OK"; 1.4 and 1.5 when written).
        let security = try ProcessRunner.run(
            "systemd-analyze", ["security", "--offline=yes", "--root=\(root.path)", "--threshold=20"] + Self.units)
        #expect(security.status == 0, "\(security.stdout)\(security.stderr)")
        #expect(security.stdout.contains("Overall exposure level for kiosk.service"), "\(security.stdout)")
    }

    @Test(
        "systemd-analyze verify, as the tests run it, fails a broken copy of the service",
        arguments: [
            ("ProtectSystem=strict", "ProtectSytem=strict", "Unknown key"),
            ("Restart=always", "Restart=sometimes", "Failed to parse"),
            ("ExecStart=/usr/bin/kiosk ", "ExecStart=/usr/bin/kiosk-missing ", "kiosk-missing"),
            ("[Service]", "[Servce]", "Unknown section"),
        ])
    func brokenUnitFails(_ find: String, _ replace: String, _ said: String) throws {
        let deb = try Self.package.get()
        let root = try scratchRoot("verify-broken")
        defer { try? FileManager.default.removeItem(at: root) }
        try run("dpkg-deb", ["--extract", deb, root.path])
        try addSystemdUnits(to: root)
        let units = root.appendingPathComponent("usr/lib/systemd/system")
        let text = try String(contentsOf: units.appendingPathComponent("kiosk.service"), encoding: .utf8)
        #expect(text.contains(find))
        try Data(text.replacingOccurrences(of: find, with: replace).utf8)
            .write(to: units.appendingPathComponent("kiosk-broken.service"))
        let verified = try verify(["kiosk-broken.service"], root: root)
        #expect(!verified.passed)
        #expect(verified.output.contains(said), "\(verified.output)")
    }

    @Test("make install lays out the package's tree, under /usr/local by default, and keeps an edited event.yaml")
    func makeInstall() throws {
        let deb = try Self.package.get()
        let extracted = temporaryDirectory("deb-tree")
        let usr = temporaryDirectory("install-usr")
        let local = temporaryDirectory("install-local")
        defer { for folder in [extracted, usr, local] { try? FileManager.default.removeItem(at: folder) } }
        try run("dpkg-deb", ["--extract", deb, extracted.path])
        let binary = "BINARY=\(RepositoryPaths.kioskBinary)"
        let intoUsr = try Self.make(["install", "DESTDIR=\(usr.path)", "PREFIX=/usr", binary])
        #expect(intoUsr.status == 0, "\(intoUsr.stderr)")
        let packaged = try tree(extracted)
        #expect(packaged.keys.contains("usr/bin/kiosk"))
        #expect(try sameTree(extracted, usr))

        // The default PREFIX: the same files under /usr/local, the units and event.yaml pointing there.
        let intoLocal = try Self.make(["install", "DESTDIR=\(local.path)", binary])
        #expect(intoLocal.status == 0, "\(intoLocal.stderr)")
        let installed = try tree(local)
        #expect(
            Set(installed.keys)
                == Set(packaged.keys.map { $0.hasPrefix("usr/") ? "usr/local/" + $0.dropFirst(4) : $0 }))
        let event = local.appendingPathComponent("etc/kiosk/event.yaml")
        try expectInstalledKioskWorks(
            binary: local.appendingPathComponent("usr/local/bin/kiosk").path, config: event.path)
        try addSystemdUnits(to: local)
        let verified = try verify(Self.units, root: local)
        #expect(verified.passed, "\(verified.output)")
        let service = try String(
            contentsOf: local.appendingPathComponent("usr/local/lib/systemd/system/kiosk.service"), encoding: .utf8)
        #expect(service.contains("ExecStart=/usr/local/bin/kiosk serve --config /etc/kiosk/event.yaml"))

        // Again over an edited event.yaml: kept, the new one beside it.
        let original = try String(contentsOf: event, encoding: .utf8)
        let edited = original + "# edited by the organizer\n"
        try Data(edited.utf8).write(to: event)
        let again = try Self.make(["install", "DESTDIR=\(local.path)", binary])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: event, encoding: .utf8) == edited)
        #expect(again.stderr.contains("kept /etc/kiosk/event.yaml"), "\(again.stderr)")
        let dist = local.appendingPathComponent("etc/kiosk/event.yaml.dist")
        #expect(try String(contentsOf: dist, encoding: .utf8) == original)
    }

    /// A trial's organizer set the PIN and tokens in Kiosk/event.yaml, as the README says, and
    /// `make package` put them into the world-readable .deb: the organizer's secrets stay out.
    @Test("The attendant PIN and the tokens of the organizer's event.yaml are never installed or packaged")
    func secretsStayOut() throws {
        let folder = temporaryDirectory("package-secrets")
        defer { try? FileManager.default.removeItem(at: folder) }
        let kiosk = folder.appendingPathComponent("Kiosk")
        try FileManager.default.copyItem(at: RepositoryPaths.root.appendingPathComponent("Kiosk"), to: kiosk)
        let event = kiosk.appendingPathComponent("event.yaml")
        let secrets = ["2468", "org-secret-token-1234567890abcdef", "kiosk-secret-token-0123456789abcdef"]
        let text = try String(contentsOf: event, encoding: .utf8)
            .replacingOccurrences(of: "  attendantPIN: \"\"", with: "  attendantPIN: \"\(secrets[0])\"")
            .replacingOccurrences(of: "\n  token: \"\"", with: "\n  token: \"\(secrets[1])\"")
            .replacingOccurrences(of: "  kioskToken: \"\"", with: "  kioskToken: \"\(secrets[2])\"")
        for secret in secrets { #expect(text.contains("\"\(secret)\""), "the fixture sets \(secret)") }
        try Data(text.utf8).write(to: event)
        let stage = folder.appendingPathComponent("stage")
        let script = RepositoryPaths.root.appendingPathComponent("scripts/package").path
        let installed = try ProcessRunner.run(
            script,
            [
                "install", "--destdir", stage.path, "--prefix", "/usr", "--binary", RepositoryPaths.kioskBinary,
                "--config-dir", kiosk.path,
            ])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stderr.contains("the PIN and tokens of \(event.path) are not installed"))
        let result = try String(contentsOf: stage.appendingPathComponent("etc/kiosk/event.yaml"), encoding: .utf8)
        for secret in secrets { #expect(!result.contains(secret), "\(secret) was installed") }
        #expect(result.contains("  attendantPIN: \"\"") && result.contains("  kioskToken: \"\""))
        // Everything else of the organizer's file is installed as written.
        #expect(result.contains("retainPersonalDataUntil:"))
    }
}
