import Foundation
import ServiceLifecycle
import Synchronization

/// The full-screen gate display as a service: draws `KioskScreen` about ten times a second on
/// a thread of its own, beeps on a reject, and takes the staff's keys for manual lookup. It
/// learns of verdicts from the event stream like every other consumer, and a manual admit it
/// makes is published there too, so the JSON writer and the turnstile hook hear of it.
public final class ScreenService: Service, Sendable {
    private let gatekeeper: Gatekeeper
    private let redeem: RedeemStep
    private let sync: SyncStatus?
    private let events: ScanEvents
    private let subscription: AsyncStream<ScanEvent>
    private let clock: KioskClock
    private let state: Mutex<ScreenState>
    /// Rejects not yet beeped for.
    private let beeps = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    /// `sync` is the link of an enrolled kiosk, for the status line.
    public init(
        gatekeeper: Gatekeeper, events: ScanEvents, redeem: RedeemStep? = nil, sync: SyncStatus? = nil, clock: KioskClock = .system
    ) {
        self.gatekeeper = gatekeeper
        self.redeem = redeem ?? RedeemStep(gatekeeper: gatekeeper, events: events)
        self.sync = sync
        self.events = events
        self.clock = clock
        // Only the newest matter on a screen; the drawing catches up with whatever is latest.
        subscription = events.subscribe("screen", limit: 64)
        state = Mutex(ScreenState(gate: gatekeeper.gate, eventID: gatekeeper.eventID, direction: gatekeeper.rules.direction))
    }

    /// Takes one event into what the screen shows.
    func show(_ event: ScanEvent) {
        let now = clock.now()
        state.withLock { state in
            switch event {
            case .verdict(.new(let verdict), _):
                state.verdict = verdict
                state.verdictShownAt = now
                state.alert = nil
                if !verdict.admitted { beeps.add(1, ordering: .relaxed) }
            case .verdict(.repeated(let verdict), _):
                // Still held up: keep the first verdict on screen.
                if state.verdict == verdict { state.verdictShownAt = now }
            case .camera(let camera):
                state.camera = camera
            case .hint(let hint):
                state.hint = hint
            case .failure(let problem):
                state.alert = problem
                beeps.add(1, ordering: .relaxed)
            }
        }
    }

    /// Draws until graceful shutdown or cancellation, taking events as they come.
    public func run() async throws {
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            drawLoop()
            finished.signal()
        }
        thread.name = "screen"
        thread.start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { [self] in
                    for await event in subscription {
                        guard !stopping.load(ordering: .relaxed) else { break }
                        show(event)
                    }
                }
                await waitOffThePool { finished.wait() }
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: { [self] in
            stopping.store(true, ordering: .relaxed)
        }
    }

    private func drawLoop() {
        let terminal = Terminal()
        terminal.enterFullScreen()
        defer { terminal.restore() }
        var lastCounters: Int64 = 0
        while !stopping.load(ordering: .relaxed) {
            let now = clock.now()
            if now - lastCounters >= 1_000 {
                let counters = gatekeeper.counters()
                let imported = try? gatekeeper.lastImportAt()
                let link = sync?.snapshot
                state.withLock { state in
                    state.counters = counters
                    state.lastImportAt = imported ?? nil
                    state.link = link
                }
                lastCounters = now
            }
            let (columns, rows) = terminal.size
            let snapshot = state.withLock { $0 }
            var frame = KioskScreen.render(snapshot, columns: columns, rows: rows, now: now)
            if beeps.exchange(0, ordering: .relaxed) > 0 { frame += "\u{07}" }
            terminal.write(frame)
            let keys = terminal.readKeys(waitingUpTo: 100)
            if !keys.isEmpty {
                handleKeys(keys, now: now)
                lastCounters = 0  // a manual admit changes the counters
            }
        }
    }

    func handleKeys(_ keys: [UInt8], now: Int64) {
        let escape: UInt8 = 27
        var admit: UInt64?
        // The search runs outside the screen's lock, on the gatekeeper's own read connection.
        let query: String? = state.withLock { state in
            guard var lookup = state.lookup else {
                // Any letter, digit or "/" starts a lookup; other keys do nothing while scanning.
                if let first = keys.first, first == UInt8(ascii: "/") || Character(Unicode.Scalar(first)).isLetter
                    || Character(Unicode.Scalar(first)).isNumber
                {
                    state.lookup = ScreenState.Lookup(query: first == UInt8(ascii: "/") ? "" : String(Unicode.Scalar(first)))
                    return state.lookup?.query
                }
                return nil
            }
            switch keys {
            case [escape]: state.lookup = nil; return nil
            case [escape, UInt8(ascii: "["), UInt8(ascii: "A")]: lookup.selected = max(0, lookup.selected - 1)
            case [escape, UInt8(ascii: "["), UInt8(ascii: "B")]: lookup.selected = min(max(0, lookup.results.count - 1), lookup.selected + 1)
            case [13], [10]:
                if lookup.results.indices.contains(lookup.selected) { admit = lookup.results[lookup.selected].id }
                state.lookup = nil
                return nil
            case [127], [8]: lookup.query = String(lookup.query.dropLast())
            default:
                let typed = String(decoding: keys.filter { $0 >= 32 && $0 != 127 }, as: UTF8.self)
                lookup.query += typed
            }
            state.lookup = lookup
            return lookup.query
        }
        if let query {
            let results = (try? gatekeeper.search(query)) ?? []
            state.withLock { state in
                guard var lookup = state.lookup, lookup.query == query else { return }
                lookup.results = results
                lookup.selected = min(lookup.selected, max(0, results.count - 1))
                state.lookup = lookup
            }
        }
        guard let admit else { return }
        // Published, not shown directly: the hook opens the turnstile and --json logs it too.
        do {
            try redeem.admitManually(ticketID: admit, at: now)
        } catch {
            events.publish(.failure("manual admit not recorded: \(error)"))
        }
    }
}
