import Shared
import Synchronization

/// An event's availability as the pages use it, drawn once per change: the seat map fragment in
/// each language and the small JSON the event page polls. It follows the availability cache's
/// generations, so nothing is served that is staler than the last commit before the request,
/// and at the on-sale minute a thousand page views cost one drawing per commit, not a thousand.
final class SeatMapCache: Sendable {
    struct Entry: Sendable {
        let generation: UInt64
        let availability: Availability
        let fragments: [Language: String]
        /// Each fragment deflated once, to splice into every gzipped event page.
        let deflated: [Language: Gzip.Piece]
        /// `{"left":{"1":23,…},"taken":[ids…]}`: what the page needs to grey out seats.
        let pollJSON: String
        /// From the poll's own bytes: a generation that moves without the seats changing (a
        /// change notice from another process arriving after the page was drawn, on PostgreSQL)
        /// still answers 304, and every process and every restart gives the same seats one tag.
        let etag: String
    }

    private let availabilityCache: AvailabilityCache
    private let readers: DatabaseReaders
    private let entries = Mutex<[UInt32: Entry]>([:])

    init(availabilityCache: AvailabilityCache, readers: DatabaseReaders) {
        self.availabilityCache = availabilityCache
        self.readers = readers
    }

    func entry(eventID: UInt32) throws -> Entry {
        let generation = availabilityCache.generation(of: eventID)
        if let entry = entries.withLock({ $0[eventID] }), entry.generation == generation { return entry }
        let availability = try readers.read { try EventRepository.availability(eventID: eventID, in: $0) }
        let fragments = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, SeatMapDrawing.html(availability, messages: $0.messages)) })
        let left = availability.classes.map { "\"\($0.ticketClass)\":\($0.remaining)" }.joined(separator: ",")
        let taken = availability.seats.filter { !$0.free }.map { String($0.id) }.joined(separator: ",")
        let pollJSON = #"{"left":{\#(left)},"taken":[\#(taken)]}"#
        let entry = Entry(
            generation: generation, availability: availability, fragments: fragments,
            deflated: fragments.mapValues { Gzip.piece(Array($0.utf8), level: 6, final: false) }, pollJSON: pollJSON,
            etag: "\"\(eventID)-\(Hex.encode(SHA256.hash(Array(pollJSON.utf8))).prefix(16))\"")
        entries.withLock { entries in
            if (entries[eventID]?.generation ?? 0) <= generation { entries[eventID] = entry }
        }
        return entry
    }
}
