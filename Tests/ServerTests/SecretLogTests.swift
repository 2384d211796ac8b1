import AsyncHTTPClient
import Foundation
import Testing
import TestSupport

/// Logs are shipped to collectors that many people read: a full run at debug level, server and
/// gate, must not put a single secret in them.
@Suite("No secret in the logs", .serialized)
struct SecretLogTests {
    @Test("a full run (sign-up, failed and good log-ins, bookings, a gate enrolled, scanning and syncing) logs no password, session token, enrollment code, device credential, key or ticket token")
    func fullRunLogsNoSecret() async throws {
        try await LiveServer.withHTTPClient { http in
            let network = try await GateNetwork.start(http: http, serverArguments: ["--log-format", "json", "--log-level", "debug"])
            let organiserPassword = try #require(network.server.outputSoFar.firstMatch(of: /password:\s+(\S+)/)?.1).description
            let fanPassword = "my secret pass phrase 42"
            let fan = try await network.client.signUp(email: "secretive@example.com", name: "Secretive", password: fanPassword)
            let typo = "my secret pass phrase 43"
            let failed = try await network.client.send(.POST, "/api/v1/auth/login", json: ["email": "secretive@example.com", "password": typo])
            #expect(failed.status == 401)
            let booked = try await network.client.send(
                .POST, "/api/v1/events/\(network.eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 2])
            try #require(booked.status == 201, "\(booked.text)")
            let ticketID = try booked.fields("tickets", "id", as: String.self)[0]
            let token: String = try await network.client.send(.GET, "/api/v1/tickets/\(ticketID)/token", token: fan).field("token")
            let refused = try await network.client.send(
                .POST, "/api/v1/events/\(network.eventID)/bookings", token: fan, json: ["ticket_class": 1, "count": 50])
            #expect(refused.status == 409)

            let (deviceID, code) = try await network.device("North-1")
            let gate = Gate(name: "North-1", deviceID: deviceID, data: network.directory.file("North-1"))
            let enrolled = try await GateNetwork.kioskRunner.run(["enroll", "--data", gate.data, "--server", network.base, "--code", code])
            try #require(enrolled.status == 0, "\(enrolled.standardError)")
            try gate.startExecutable(["--log-format", "json", "--log-level", "debug"])
            try gate.show(token)
            #expect(await gate.waitForVerdicts(1).first?["reason"] as? String == "ok")
            try gate.showNothing()
            try gate.show("FT1:not-a-ticket")
            _ = await gate.waitForVerdicts(2)
            await gate.stop()
            let sync = try await GateNetwork.kioskRunner.run(["sync", "--data", gate.data])
            #expect(sync.status == 0, "\(sync.standardError)")

            var secrets: [(String, String)] = [
                ("organiser password", organiserPassword), ("fan password", fanPassword), ("mistyped password", typo),
                ("fan session token", fan), ("organiser session token", network.organiser), ("enrollment code", code),
                ("ticket token", String(token.dropFirst(4).prefix(40))),
            ]
            let credential = try String(contentsOfFile: gate.data + "/device-credential", encoding: .utf8)
            secrets.append(("device credential", credential.trimmingCharacters(in: .whitespacesAndNewlines)))
            let keyMaterial = try Self.keyMaterial(network.serverData + "/keys.json")
            #expect(keyMaterial.count >= 2, "an AES key and a seed at least")
            for (index, key) in keyMaterial.enumerated() {
                secrets.append(("key material \(index)", key))
            }

            let serverLog = Self.withoutDemoWelcome(network.server.outputSoFar)
            let gateLog = gate.process?.outputSoFar ?? ""
            #expect(serverLog.contains(#""message":"Server started and listening"#), "the server did log: \(serverLog.prefix(500))")
            #expect(gateLog.contains(#""level":"#), "the gate did log: \(gateLog.prefix(500))")
            for (name, secret) in secrets {
                #expect(secret.count >= 8, "\(name) is long enough to grep for")
                #expect(!serverLog.contains(secret), "the server logged the \(name)")
                #expect(!gateLog.contains(secret), "the gate logged the \(name)")
                #expect(!sync.standardError.contains(secret) && !enrolled.standardError.contains(secret), "a kiosk command printed the \(name)")
            }
        }
    }

    /// The demo prints its organiser's password once, on purpose, before any log line.
    static func withoutDemoWelcome(_ output: String) -> String {
        guard let start = output.range(of: "FestivalGate demo — data in"), let end = output.range(of: "Ctrl-C stops the server.") else {
            return output
        }
        return String(output[..<start.lowerBound] + output[end.upperBound...])
    }

    /// The secrets of keys.json (AES keys, Ed25519 seeds), as written there.
    static func keyMaterial(_ path: String) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        var found: [String] = []
        func walk(_ value: Any, key: String?) {
            if let object = value as? [String: Any] {
                for (name, inner) in object { walk(inner, key: name) }
            } else if let array = value as? [Any] {
                for inner in array { walk(inner, key: key) }
            } else if let text = value as? String, let key, key == "aes_key" || key.hasSuffix("seed") {
                found.append(text)
            }
        }
        walk(json, key: nil)
        return found
    }
}
