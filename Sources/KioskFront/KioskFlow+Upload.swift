import PledgeKit

extension KioskFlow {
    /// How many receipts of uploads ``delivered(_:)`` keeps for a done screen not yet shown.
    static let keptDeliveries = 8

    /// A pledge from the front's outbox reached the service (issue 17, item 4): the done screen
    /// still showing it as queued shows its number and its final link. An upload that ends before
    /// its done screen is drawn (the outbox runs beside the flow) is kept for ``settled(_:)``.
    mutating func delivered(_ receipt: PledgeReceipt) -> [FlowEffect] {
        count = max(count ?? 0, receipt.number)
        if case .done(.queued(let code, _)) = screen, code == receipt.code {
            // Not `go(to:)`: the done screen's countdown goes on.
            screen = .done(.recorded(receipt))
            return [.redraw]
        }
        recentDeliveries.append(receipt)
        if recentDeliveries.count > Self.keptDeliveries { recentDeliveries.removeFirst() }
        return []
    }

    /// `outcome`, or its receipt when the upload of a queued pledge already ended.
    func settled(_ outcome: RecordOutcome) -> RecordOutcome {
        guard case .queued(let code, _) = outcome, let receipt = recentDeliveries.last(where: { $0.code == code })
        else { return outcome }
        return .recorded(receipt)
    }
}
