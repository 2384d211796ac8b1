import Foundation
import GateProtocol

/// The step between the gatekeeper's checks and the verdict's consumers. A scan the kiosk would
/// admit is, while the server is reachable, redeemed online: one request with a tight deadline,
/// so two gates showing the same ticket at once admit it once. The request runs off the decode
/// thread; the answer (or the deadline passing: the replica decides, offline) is recorded on a
/// queue of its own and then published. Without a link every verdict is decided at once.
public final class RedeemStep: Sendable {
    private let gatekeeper: Gatekeeper
    private let events: ScanEvents
    private let link: GateLink?
    private let status: SyncStatus?
    private let deadline: Duration
    private let report: @Sendable (String) -> Void
    private let settling = DispatchQueue(label: "settle")
    private let outstanding = DispatchGroup()

    /// The longest a person at the gate waits for the server before the kiosk decides alone.
    public static let defaultDeadline: Duration = .milliseconds(400)

    public init(
        gatekeeper: Gatekeeper, events: ScanEvents, link: GateLink? = nil, status: SyncStatus? = nil,
        deadline: Duration = RedeemStep.defaultDeadline, report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.report = report
        self.gatekeeper = gatekeeper
        self.events = events
        self.link = link
        self.status = status
        self.deadline = deadline
    }

    private var asksServer: Bool { link != nil && status?.mayAskServer == true }

    /// A code the camera read (on the decode thread): returns at once.
    func scan(_ payload: [UInt8], at time: Int64, ready: ContinuousClock.Instant) throws {
        handle(try gatekeeper.check(payload, at: time, askServer: asksServer), ready: ready)
    }

    /// A ticket staff picked by hand.
    func admitManually(ticketID: UInt64, at time: Int64) throws {
        handle(try gatekeeper.checkManually(ticketID: ticketID, at: time, askServer: asksServer), ready: .now)
    }

    /// Waits until every question out to the server is answered, recorded and published.
    func drain() {
        outstanding.wait()
    }

    private func handle(_ check: Gatekeeper.Check, ready: ContinuousClock.Instant) {
        switch check {
        case .decided(let outcome):
            events.publish(.verdict(outcome, latency: .now - ready))
        case .inFlight:
            break
        case .ask(let admission):
            outstanding.enter()
            Task { [self] in
                let answer = await ask(admission)
                settling.async { [self] in
                    defer { outstanding.leave() }
                    do {
                        let verdict = try gatekeeper.settle(admission, answer: answer)
                        events.publish(.verdict(.new(verdict), latency: .now - ready))
                    } catch {
                        events.publish(.failure("scan not recorded: \(error)"))
                    }
                }
            }
        }
    }

    /// The server's answer, or nil when there is none in time (or none the kiosk can use).
    private func ask(_ admission: Gatekeeper.Admission) async -> RedeemAnswer? {
        guard let link, let status else { return nil }
        let request = RedeemRequest(
            ticketID: String(admission.ticketID), at: admission.verdict.time, reEntry: admission.reEntry,
            redeemID: admission.redeemID)
        do {
            let answer = try await link.redeem(request, deadline: deadline)
            status.heard(serverTime: answer.serverTime, receivedAt: status.localNow)
            return answer
        } catch .revoked {
            if status.revoked() {
                report(LinkError.revoked.description)
                settling.async { [gatekeeper] in try? gatekeeper.markRevoked() }
            }
        } catch let error where error.isOutage {
            // Later scans are decided at once until the feed reaches the server again.
            status.lost("redeem: \(error)")
        } catch {
            // Refused (a bug on one side): this scan is decided offline; the link stays up.
        }
        return nil
    }
}
