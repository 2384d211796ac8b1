/// The answer to a booking, stored with it so a retry with the same idempotency key gets the
/// same bytes.
struct BookingResponse: Encodable, Sendable {
    let bookingID: Int64
    let eventID: UInt32
    let tickets: [TicketResponse]

    /// The API's JSON, the same bytes whenever it is written (`APIJSON` sorts keys).
    func json() throws -> String {
        try APIJSON.string(self)
    }
}
