/// How long a kiosk's flow waits (issue 16 asks the tablet kiosk mode to behave as the terminal
/// does): the terminal front (`KioskFlow`) and the tablet kiosk mode of the web pledge flow read
/// the same values. Organizers rarely change these.
public struct KioskTimeouts: Sendable, Equatable {
    /// No key or touch for this long on a screen that asks something: back to the start.
    public var idle: Duration = .seconds(90)
    /// The done screen (the certificate's QR) goes back to the start after this long.
    public var done: Duration = .seconds(60)
    /// The idle countdown shows during this last stretch.
    public var countdown: Duration = .seconds(15)
    /// How often the welcome screen asks for the live count.
    public var countRefresh: Duration = .seconds(5)
    public init() {}
}
