import Foundation
import Shared
import Testing
import TestSupport

/// The systemd units in deploy/: systemd's own checker passes them, and the command lines they
/// start are ones the programs accept.
@Suite("Deploy units")
struct DeployUnitTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy").path
    static let units = ["ticket-server.service", "ticket-server-postgres@.service", "gate-kiosk@.service"]

    @Test("systemd-analyze verify passes the units, installed as the README says, without a single complaint")
    func systemdAnalyzeVerify() throws {
        let root = TemporaryDirectory("festivalgate-units")
        let files = FileManager.default
        // A root of their own: the units where an operator puts them, the programs where
        // ExecStart looks (stand-ins: verify checks they are executable), and systemd's own units.
        for folder in ["etc/systemd/system", "usr/local/bin", "usr/lib/systemd"] {
            try files.createDirectory(atPath: root.file(folder), withIntermediateDirectories: true)
        }
        for unit in Self.units {
            try files.copyItem(atPath: "\(Self.deploy)/\(unit)", toPath: root.file("etc/systemd/system/\(unit)"))
        }
        for program in ["ticket-server", "gate-kiosk"] {
            try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: root.file("usr/local/bin/\(program)")))
            chmod(root.file("usr/local/bin/\(program)"), 0o755)
        }
        let copy = try Self.command("/bin/cp", ["-a", "/usr/lib/systemd/system", root.file("usr/lib/systemd/")])
        try #require(copy.status == 0, "systemd's units are needed (Debian's systemd package): \(copy.output)")

        let verified = try Self.command("/usr/bin/systemd-analyze", ["verify", "--root=\(root.path)", "ticket-server.service", "ticket-server-postgres@8081.service", "gate-kiosk@video0.service"])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.isEmpty, "systemd-analyze complained:\n\(verified.output)")

        // A unit with a mistake is caught, so the silence above means something.
        let broken = root.file("etc/systemd/system/ticket-server.service")
        try (String(contentsOfFile: broken, encoding: .utf8).replacingOccurrences(of: "Restart=on-failure", with: "Restart=sometimes"))
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let complaint = try Self.command("/usr/bin/systemd-analyze", ["verify", "--root=\(root.path)", "ticket-server.service"])
        #expect(complaint.output.contains("sometimes"), "\(complaint.output)")
    }

    @Test("the units' hardening is there: own user, state directory, ProtectSystem=strict, NoNewPrivileges, restart, graceful stop, camera group")
    func hardening() throws {
        for unit in ["ticket-server.service", "ticket-server-postgres@.service"] {
            let server = try String(contentsOfFile: "\(Self.deploy)/\(unit)", encoding: .utf8)
            for line in [
                "User=festivalgate", "StateDirectory=festivalgate", "ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure",
                "KillSignal=SIGTERM", "PrivateDevices=yes",
            ] {
                #expect(server.contains("\n\(line)\n"), "\(unit) lacks \(line)")
            }
        }
        let kiosk = try String(contentsOfFile: "\(Self.deploy)/gate-kiosk@.service", encoding: .utf8)
        for line in [
            "SupplementaryGroups=video", "BindsTo=dev-%i.device", "After=dev-%i.device", "TTYPath=/dev/tty1", "Restart=on-failure",
            "ProtectSystem=strict", "NoNewPrivileges=yes", "StateDirectory=gate-kiosk/%i",
        ] {
            #expect(kiosk.contains("\n\(line)\n"), "gate-kiosk@.service lacks \(line)")
        }
    }

    @Test("the command lines the units start are accepted: the server serves, the kiosk gets as far as its camera")
    func execStartLinesRun() throws {
        let directory = TemporaryDirectory("festivalgate-unit-lines")
        let serverLine = try Self.execStart("ticket-server.service", replacing: ["/var/lib/festivalgate": directory.file("server"), "--port 8080": "--port 0"])
        let server = try ChildProcess(ProductRunner(product: "ticket-server"), serverLine)
        let port = server.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#)
        #expect(port != nil, "\(serverLine): \(server.outputSoFar)")
        #expect(server.outputSoFar.split(separator: "\n").allSatisfy { $0.hasPrefix("{") }, "--log-format json: every line is JSON")
        #expect(server.stop() == 0, "SIGTERM is a clean stop")

        let kioskData = directory.file("video0")
        let keys = directory.file("kiosk-keys.json")
        let server2 = ProductRunner(product: "ticket-server")
        try #require(try server2.run(["keys", "export-kiosk", "--data", directory.file("server"), "--output", keys]).status == 0)
        let kiosk = ProductRunner(product: "gate-kiosk")
        try #require(try kiosk.run(["init", "--data", kioskData, "--event", "1", "--keys", keys, "--gate", "North-1"]).status == 0)
        let kioskLine = try Self.execStart(
            "gate-kiosk@.service", replacing: ["/var/lib/gate-kiosk/%i": kioskData, "/dev/%i": "/dev/video97", "127.0.0.1:9464": "127.0.0.1:0"])
        let outcome = try kiosk.run(kioskLine)
        #expect(outcome.status == 2 && outcome.standardError.contains("no camera at /dev/video97"), "\(kioskLine): \(outcome.standardError)")
    }

    @Test("the PostgreSQL unit's command line serves on a real database, and two processes on one database share its keys")
    func postgresExecStartLineRuns() async throws {
        let directory = TemporaryDirectory("festivalgate-unit-postgres")
        let database = try await PostgresCluster.shared().database()
        var ports: [String] = []
        var servers: [ChildProcess] = []
        for _ in 0..<2 {
            let line = try Self.execStart(
                "ticket-server-postgres@.service",
                replacing: ["/var/lib/festivalgate": directory.file("server"), "--port %i": "--port 0",
                    "postgres://festivalgate@127.0.0.1:5432/festivalgate": database])
            let server = try ChildProcess(ProductRunner(product: "ticket-server"), line)
            servers.append(server)
            let port = await server.waitForLine(matching: #"listening on 127\.0\.0\.1:(\d+)"#)
            try #require(port != nil, "\(line): \(server.outputSoFar)")
            ports.append(port ?? "")
        }
        #expect(Set(ports).count == 2)
        let listed = try await ProductRunner(product: "ticket-server").run(["keys", "list", "--data", directory.file("server"), "--database", database])
        #expect(listed.standardOutput.components(separatedBy: "active").count == 2, "one ring for both: \(listed.standardOutput)")
        for server in servers { #expect(await server.stop() == 0, "SIGTERM is a clean stop: \(server.outputSoFar)") }
    }

    /// A unit's ExecStart as arguments (program dropped), its `$VARIABLES` from the unit's own
    /// `Environment=` defaults, with `replacing` applied.
    static func execStart(_ unit: String, replacing: [String: String]) throws -> [String] {
        let text = try String(contentsOfFile: "\(deploy)/\(unit)", encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        var line = try #require(lines.first { $0.hasPrefix("ExecStart=") }).dropFirst("ExecStart=".count).description
        for environment in lines where environment.hasPrefix("Environment=") {
            let assignment = environment.dropFirst("Environment=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let value = assignment[assignment.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            line = line.replacingOccurrences(of: "$" + assignment[..<equals], with: value)
        }
        for (from, to) in replacing { line = line.replacingOccurrences(of: from, with: to) }
        return Array(line.split(separator: " ").map(String.init).dropFirst())
    }

    static func command(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

extension DeployUnitTests {
    @Test(
        "deploy's nginx configurations pass nginx -t, with a certificate of their own in place of the real one; a broken copy does not",
        arguments: ["nginx.conf", "nginx-balanced.conf"])
    func nginxConfiguration(file: String) throws {
        let directory = TemporaryDirectory("festivalgate-nginx")
        let certificate = try Self.command(
            "/usr/bin/openssl",
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=tickets.example.org",
             "-keyout", directory.file("privkey.pem"), "-out", directory.file("fullchain.pem")])
        try #require(certificate.status == 0, "\(certificate.output)")
        let site = try String(contentsOfFile: "\(Self.deploy)/\(file)", encoding: .utf8)
            .replacingOccurrences(of: "/etc/ssl/festivalgate/", with: directory.path + "/")
            .replacingOccurrences(of: "/var/cache/nginx/festivalgate", with: directory.file("cache"))
        // Debian includes conf.d files inside its http block; this main file does the same.
        func check(_ text: String) throws -> (status: Int32, output: String) {
            try text.write(toFile: directory.file("festivalgate.conf"), atomically: true, encoding: .utf8)
            let main = """
                pid \(directory.file("nginx.pid"));
                error_log \(directory.file("error.log"));
                events {}
                http {
                    access_log off;
                    include \(directory.file("festivalgate.conf"));
                }
                """
            try main.write(toFile: directory.file("nginx.conf"), atomically: true, encoding: .utf8)
            return try Self.command("/usr/sbin/nginx", ["-t", "-c", directory.file("nginx.conf")])
        }
        let checked = try check(site)
        #expect(checked.status == 0 && checked.output.contains("test is successful"), "\(checked.output)")
        let broken = try check(site.replacingOccurrences(of: "proxy_read_timeout 60s;", with: "proxy_read_timeout;"))
        #expect(broken.status != 0, "so the success above means something")
        #expect(site.contains("X-Forwarded-For $proxy_add_x_forwarded_for") && site.contains("proxy_read_timeout 60s"))
    }
}
