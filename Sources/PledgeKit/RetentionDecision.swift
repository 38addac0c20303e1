import Foundation

/// Whether names and schools may be purged now, judged against the retention deadline
/// (``EventConfiguration/retentionDeadline``) and the newest pledge in the database: the rule
/// of `kiosk purge` and of the service's daily run.
///
/// A purge cannot be undone, so a clock that looks wrong stops it (issue 11: a second service
/// started under a clock 400 days ahead erased every name of an event):
/// - a clock earlier than the newest pledge is wrong, whatever the deadline says, unless a person
///   says the clock is right (`kiosk purge --clock-is-right`): then the pledge's date is the wrong
///   one (it was recorded under a clock that was ahead), and the rest of the rule applies;
/// - a clock more than ``grace`` past the deadline is either a clock gone wrong or a service that
///   was not running when the deadline passed: a person confirms (`kiosk purge`). A service that
///   runs its check every 24 hours meets the ``grace`` window exactly once.
public enum RetentionDecision: Equatable, Sendable {
    /// The deadline has not passed: nothing to do.
    case notYet
    /// Within ``grace`` after the deadline and not before the newest pledge: purge.
    case purge
    /// The clock is earlier than the newest pledge (`newest`): the clock is wrong; never purge
    /// unless a person says the clock is right.
    case clockBeforeNewestPledge(newest: Date)
    /// More than ``grace`` past the deadline: purge only when a person confirms. `days` is how
    /// many whole days past the deadline the clock is.
    case needsConfirmation(daysPastDeadline: Int)

    /// How long after the deadline the service purges on its own: one day.
    public static let grace: TimeInterval = 24 * 3600

    /// - Parameters:
    ///   - now: the clock's time.
    ///   - deadline: the end of the retention period.
    ///   - newestPledge: when the newest pledge in the database was made; nil when there is none.
    ///   - clockIsRight: a person checked the clock and says it is right (never the service on
    ///     its own): a pledge dated after it does not stop the purge.
    public init(now: Date, deadline: Date, newestPledge: Date?, clockIsRight: Bool = false) {
        if now < deadline {
            self = .notYet
        } else if let newestPledge, now < newestPledge, !clockIsRight {
            self = .clockBeforeNewestPledge(newest: newestPledge)
        } else if now.timeIntervalSince(deadline) > Self.grace {
            self = .needsConfirmation(daysPastDeadline: Int(now.timeIntervalSince(deadline) / (24 * 3600)))
        } else {
            self = .purge
        }
    }
}
