// Per-token cost of FT1 encoding and decoding, next to the bare Ed25519 operations that bound
// them. Run in release mode: swift run -c release token-bench [iterations]
import Foundation
import Shared

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let ring = KeyRing.generate()
let encoder = try TokenEncoder(activeKeyOf: ring)
let decoder = try TokenDecoder(keyRing: ring.kioskExport)
let key = ring.activeKey!
let signer = try TicketSigner(seed: key.seed!)
let verifier = try TicketVerifier(publicKey: key.publicKey)

let tickets = (0..<iterations).map { index in
    TicketToken(
        ticketID: UInt64.random(in: 1...UInt64.max), eventID: 2026, notBefore: 1_790_000_000,
        notAfter: 1_790_086_400, ticketClass: UInt16(index % 4), seat: "R\(index % 12)-\(index % 20)",
        holder: "Holder \(index)")
}
let tokens = try tickets.map { try encoder.encode($0) }
// A signed message of a typical token's size: context ‖ header ‖ ciphertext.
let message = [UInt8](repeating: 0x5A, count: 18 + 10 + 45)
let signature = try signer.signature(for: message)

/// Times `operation` once per index and returns the sorted durations in microseconds.
func measure(_ operation: (Int) throws -> Void) rethrows -> [Double] {
    for index in 0..<min(1_000, iterations) { try operation(index) }  // warm-up
    var samples = [Double]()
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    for index in 0..<iterations {
        let start = clock.now
        try operation(index)
        let elapsed = start.duration(to: clock.now)
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    return samples.sorted()
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

var results: [(String, [Double])] = []
results.append(("bare Ed25519 sign", try measure { _ in _ = try signer.signature(for: message) }))
results.append(("bare Ed25519 verify", measure { _ in _ = verifier.isValidSignature(signature, for: message) }))
results.append(("FT1 encode", try measure { _ = try encoder.encode(tickets[$0]) }))
results.append(("FT1 decode", try measure { _ = try decoder.decode(tokens[$0]) }))

print("FT1 token benchmark: \(iterations) tokens, mean token length \(tokens.map(\.count).reduce(0, +) / tokens.count) characters")
print("operation              p50 µs   p99 µs   mean µs")
for (name, samples) in results {
    let mean = samples.reduce(0, +) / Double(samples.count)
    print(
        name.padding(toLength: 22, withPad: " ", startingAt: 0),
        String(format: "%7.1f  %7.1f  %7.1f", percentile(samples, 0.5), percentile(samples, 0.99), mean))
}
let verifyP50 = percentile(results[1].1, 0.5)
let decodeP50 = percentile(results[3].1, 0.5)
print(String(format: "decode / bare verify (p50): %.2fx", decodeP50 / verifyP50))
