import PledgeKit
import Testing

/// Links a phone cannot open because they name the phone itself (a hub started with its default
/// base, 127.0.0.1): the service warns when it listens beyond this machine (trial).
@Suite struct CertificateLinksLoopbackTests {
    @Test(arguments: [
        ("http://127.0.0.1:8090", true), ("HTTP://LOCALHOST:8080", true), ("http://[::1]:8080", true),
        ("http://127.1.2.3", true), ("http://192.168.1.20:8080", false), ("https://khongmotminh.vn", false),
        ("http://127example.vn", false), ("http://[2001:db8::1]:8080", false),
    ])
    func loopbackBases(_ base: String, _ loopback: Bool) throws {
        #expect(try CertificateLinks(baseURL: base).pointToLoopback == loopback)
    }
}
