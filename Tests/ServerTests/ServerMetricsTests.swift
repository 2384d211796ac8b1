import AsyncHTTPClient
import Foundation
@testable import Server
import Shared
import Testing

/// `/metrics` of a real server on a loopback port, after real bookings, refusals and throttling.
@Suite("Server metrics")
struct ServerMetricsTests {
    @Test("/metrics counts bookings, refusals by reason, tickets per class, requests per route, group commits, sessions and throttling")
    func figuresAfterASale() async throws {
        try await LiveServer.run(throttling: .standard) { server in
            let organiser = try await server.organiser()
            let eventID = try await server.event(
                organiser: organiser,
                classes: [
                    ["ticket_class": 1, "name": "Floor", "price_cents": 1000], ["ticket_class": 2, "name": "Lawn", "capacity": 100],
                    ["ticket_class": 3, "name": "Balcony", "capacity": 50],
                ],
                seatMapCSV: LiveServer.seatMap(rows: 2, seatsPerRow: 5, ticketClass: 1))
            let seats = try await server.client.send(.GET, "/api/v1/events/\(eventID)/availability").fields("seats", "id", as: Int.self)
            let fans = try await server.attendees(2)
            let booked = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fans[0], json: ["seats": [seats[0], seats[1]]])
            #expect(booked.status == 201)
            let taken = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fans[1], json: ["seats": [seats[0]]])
            #expect(taken.status == 409)
            let lawn = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fans[1], json: ["ticket_class": 2, "count": 3])
            #expect(lawn.status == 201)
            let soldOut = try await server.client.send(.POST, "/api/v1/events/\(eventID)/bookings", token: fans[1], json: ["ticket_class": 2, "count": 500])
            #expect(soldOut.status == 409 || soldOut.status == 422)
            // Wrong passwords until the account's throttle closes.
            var throttled = false
            for _ in 0..<20 where !throttled {
                let reply = try await server.client.send(.POST, "/api/v1/auth/login", json: ["email": "fan0@example.com", "password": "wrong guess here"])
                throttled = reply.status == 429
            }
            #expect(throttled)

            let scrape = try await server.client.send(.GET, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = PrometheusText(scrape.text)
            #expect(metrics["festivalgate_bookings_total"] == 2)
            #expect(metrics[#"festivalgate_booking_refusals_total{reason="seat_taken"}"#] == 1)
            #expect(metrics[#"festivalgate_tickets_sold{event="\#(eventID)",class="1"}"#] == 2)
            #expect(metrics[#"festivalgate_tickets_sold{event="\#(eventID)",class="2"}"#] == 3)
            #expect(metrics[#"festivalgate_tickets_sold{event="\#(eventID)",class="3"}"#] == 0, "a class with nothing sold reads 0")
            #expect(metrics[#"festivalgate_http_request_duration_seconds_count{route="/api/v1/events/{eventID}/bookings",method="POST",status="201"}"#] == 2)
            #expect(metrics[#"festivalgate_http_request_duration_seconds_count{route="/api/v1/events/{eventID}/bookings",method="POST",status="409"}"#] ?? 0 >= 1)
            #expect(metrics[#"festivalgate_http_request_duration_seconds_bucket{route="/api/v1/events/{eventID}/bookings",method="POST",status="201",le="+Inf"}"#] == 2)
            #expect(metrics["festivalgate_writer_batch_size_count"] ?? 0 >= 4, "sign-ups, the event and the bookings were committed")
            #expect(metrics["festivalgate_writer_commit_seconds_count"] == metrics["festivalgate_writer_batch_size_count"])
            #expect(metrics["festivalgate_active_sessions"] ?? 0 >= 3, "the organiser and two fans")
            #expect(metrics[#"festivalgate_rate_limited_total{limit="login_account"}"#] ?? 0 >= 1)
            #expect(!scrape.text.contains("/api/v1/events/\(eventID)/"), "routes are patterns, never paths with ids")
        }
    }

    @Test("/metrics answers only this machine's own clients, not through a proxy, unless they bring the metrics token")
    func onlyForTheMachineOrTheToken() async throws {
        var options = ServerOptions(host: "127.0.0.1", port: 0)
        options.metricsToken = "a-long-metrics-token-0123456789"
        try await LiveServer.run(options: options) { server in
            #expect(try await server.client.send(.GET, "/metrics").status == 200)
            let proxied = try await server.client.send(.GET, "/metrics", headers: [("X-Forwarded-For", "203.0.113.9")])
            #expect(proxied.status == 403)
            #expect(proxied.text.contains("metrics token"), "\(proxied.text)")
            let wrong = try await server.client.send(.GET, "/metrics", headers: [("X-Forwarded-For", "203.0.113.9"), ("Authorization", "Bearer nope")])
            #expect(wrong.status == 403)
            let scraper = try await server.client.send(
                .GET, "/metrics", headers: [("X-Forwarded-For", "203.0.113.9"), ("Authorization", "Bearer a-long-metrics-token-0123456789")])
            #expect(scraper.status == 200 && scraper.text.contains("festivalgate_active_sessions"))
        }
    }
}

/// Prometheus' text format read into series name (with labels, as written) → value.
struct PrometheusText {
    let values: [String: Double]

    init(_ text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    subscript(series: String) -> Double? { values[series] }
}
