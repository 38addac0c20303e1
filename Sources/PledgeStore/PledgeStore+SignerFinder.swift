import PledgeKit

extension PledgeStore: SignerFinder {
    /// This event's named pledges by name (``find(_:eventID:limit:)``, the search of `kiosk find`),
    /// with their certificate links (``links``).
    /// - Throws: ``PledgeError``: `invalid-request` for a name ``SignerSearch/check(_:)`` refuses;
    ///   `unavailable` when the database cannot be read.
    public func findSigners(named name: String, limit: Int) async throws(PledgeError) -> [FoundSigner] {
        let text = try SignerSearch.check(name)
        let found = try await find(text, eventID: eventID, limit: max(1, min(limit, SignerSearch.maximumLimit)))
        return found.compactMap { pledge in
            // An erased pledge has no name left to find; checked again all the same.
            guard let name = pledge.name else { return nil }
            return FoundSigner(
                id: pledge.id, name: name, number: pledge.number, signedAt: pledge.createdAt, code: pledge.code,
                certificateUrl: links.certificateURL(for: pledge.code))
        }
    }
}
