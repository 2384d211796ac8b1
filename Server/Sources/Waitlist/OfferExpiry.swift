import ServiceLifecycle

/// Passes on waitlist offers whose time is up, within a second, whether or not anyone looks.
/// It looks at once on start, so an offer that ran out while the server was down passes on as
/// soon as the server is back.
struct OfferExpiry: Service {
    let writer: DatabaseWriter
    let readers: DatabaseReaders
    let clock: ServerClock

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now()
                // A reader's cheap look first: most seconds, nothing is due and nothing is written.
                if (try? readers.read({ try WaitlistOffers.anyDue(now: now, in: $0) })) == true {
                    _ = try? await writer.write { try WaitlistOffers.expireDue(now: now, in: $0) }
                }
                do {
                    try await Task.sleep(for: .seconds(1))
                } catch {
                    return
                }
            }
        }
    }
}
