import ArgumentParser

/// `ticket-server demo`: will seed a demo festival and serve it (the server issue).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a demo server with a seeded festival (not built yet).")

    func run() throws {
        print("""
            ticket-server demo is not built yet: the HTTP server, booking and the demo festival
            arrive with the issuing-server issue. What works today:
              ticket-server keys init --data /tmp/fg-demo
              ticket-server keys export-kiosk --data /tmp/fg-demo --output /tmp/fg-demo/kiosk-keys.json
              gate-kiosk check-token 'FT1:…' --keys /tmp/fg-demo/kiosk-keys.json
            """)
    }
}
