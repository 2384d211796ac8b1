import Hummingbird
import HummingbirdCore
import NIOCore

/// Keeps the listening socket accepting while the Swift threads are busy.
///
/// Hummingbird hands each accepted connection to a Swift task that starts its handling, through
/// an async sequence that stops accepting once ten connections wait in it. In a rush those
/// tasks queue behind the thousands of requests already running, so `accept` stalls for
/// seconds (measured: 1.5 s with 33 connections left in the kernel's queue), and a health
/// probe's connection with it, though `HealthProbeHandler` would answer it at once.
///
/// This delegate puts Hummingbird's connection-count handler in the listening channel's
/// pipeline, in front of that sequence; `keepAccepting` asks for the next accept from there, past
/// the sequence's back-pressure. The connection cap stays `GuardedHTTP1Channel`'s: it counts
/// every accepted connection, the waiting ones too, so nothing piles up past it.
struct EagerAccept: AvailableConnectionsDelegate {
    func connectionOpened() {}
    func connectionClosed() {}
    func isAcceptingNewConnections() -> Bool { true }

    /// Called as each connection is set up: one more accept on the listening channel.
    static func keepAccepting(_ listener: (any Channel)?) {
        guard let listener else { return }
        listener.eventLoop.execute {
            let context = try? listener.pipeline.syncOperations.context(handlerType: AvailableConnectionsChannelHandler<EagerAccept>.self)
            context?.read()
        }
    }
}
