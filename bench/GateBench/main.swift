// The gate benchmark (docs/BENCHMARKS.md, "Gates"): a release ticket-server process on
// loopback with an event of many tickets, measured from the gates' side:
//   1. a full replica pull by `gate-kiosk enroll` (seconds), and the feed's bytes on the wire;
//   2. redeem throughput and latency with many devices at once;
//   3. propagation: an admit at gate A until gate B's replica (a running gate-kiosk) has it;
//   4. the server's CPU and memory with many idle gates long-polling.
// Usage: swift build -c release && .build/release/gate-bench [--tickets N] [--devices N] …
// With --database URL (an empty PostgreSQL database) the seeded directory is moved there by
// `ticket-server migrate-to-postgres` and the server runs on it (bench/gate-postgres.sh).
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared

struct Options {
    var tickets = 100_000
    var devices = 64
    var seconds = 10.0
    var idleGates = 200
    var idleSeconds = 60.0
    var propagations = 200
    var port = 18_090
    var database: String?

    init(_ arguments: [String]) {
        var index = 0
        while index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--tickets": tickets = Int(value)!
            case "--devices": devices = Int(value)!
            case "--seconds": seconds = Double(value)!
            case "--idle-gates": idleGates = Int(value)!
            case "--idle-seconds": idleSeconds = Double(value)!
            case "--propagations": propagations = Int(value)!
            case "--port": port = Int(value)!
            case "--database": database = value
            default: fatalError("unknown option \(arguments[index])")
            }
            index += 2
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let work = NSTemporaryDirectory() + "gate-bench-\(UUID().uuidString.prefix(8))"
let base = "http://127.0.0.1:\(options.port)"
func say(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

say("seeding \(options.tickets) tickets…")
let seeded = try GateBenchSeeder.seed(dataDirectory: work + "/server", tickets: options.tickets)
if let database = options.database {
    let migrate = Process()
    migrate.executableURL = URL(fileURLWithPath: bin + "/ticket-server")
    migrate.arguments = ["migrate-to-postgres", "--data", work + "/server", "--database", database]
    try migrate.run()
    migrate.waitUntilExit()
    precondition(migrate.terminationStatus == 0, "migrate-to-postgres failed")
}
let server = Process()
server.executableURL = URL(fileURLWithPath: bin + "/ticket-server")
server.arguments = ["serve", "--data", work + "/server", "--port", String(options.port)] + (options.database.map { ["--database", $0] } ?? [])
server.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
server.standardError = FileHandle(forWritingAtPath: "/dev/null")
try server.run()
defer { server.terminate(); try? FileManager.default.removeItem(atPath: work) }

var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(60)))
configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(options.idleGates, options.devices) + 16)
let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

/// One JSON call; the status, the body and its size.
func call(_ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil) async throws -> (Int, [String: Any], Int) {
    var request = HTTPClientRequest(url: base + path)
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
    }
    let response = try await http.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 256 << 20)
    let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    return (Int(response.status.code), object, body.readableBytes)
}

for _ in 0..<200 {
    if (try? await call(.GET, "/healthz"))?.0 == 200 { break }
    try await Task.sleep(for: .milliseconds(100))
}

/// A new device of the event, enrolled: its enrollment code, or its credential.
func newDevice(_ name: String, enroll: Bool = true) async throws -> String {
    let (status, created, _) = try await call(
        .POST, "/api/v1/events/\(seeded.eventID)/devices", token: seeded.organiserToken, json: ["name": name, "direction": "entry"])
    precondition(status == 201, "device not created: \(created)")
    let code = created["enrollment_code"] as! String
    guard enroll else { return code }
    let (_, enrolled, _) = try await call(.POST, "/api/v1/gate/enroll", json: ["code": code])
    return enrolled["credential"] as! String
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

// MARK: 1. Full pull

let pullCode = try await newDevice("Pull-1", enroll: false)
let enrollStart = ContinuousClock.now
let enroll = Process()
enroll.executableURL = URL(fileURLWithPath: bin + "/gate-kiosk")
enroll.arguments = ["enroll", "--data", work + "/pull", "--server", base, "--code", pullCode]
try enroll.run()
enroll.waitUntilExit()
let pullSeconds = (ContinuousClock.now - enrollStart) / .seconds(1)
let pulledGate = try await newDevice("Pull-2")
var wireBytes = 0, pages = 0, after = 0
while true {
    let path = "/api/v1/gate/changes?after=\(after)&limit=5000"
    let (_, page, bytes) = try await call(.GET, path, token: pulledGate)
    wireBytes += bytes
    pages += 1
    after = page["last_seq"] as! Int
    if page["more"] as? Bool != true { break }
}
say(String(format: "full pull: gate-kiosk enroll of %d tickets in %.2f s (exit %d); feed %d pages, %.1f MB on the wire (%.0f bytes a ticket)",
    options.tickets, pullSeconds, enroll.terminationStatus, pages, Double(wireBytes) / 1e6, Double(wireBytes) / Double(options.tickets)))

// MARK: 2. Redeem throughput

var credentials: [String] = []
for index in 0..<options.devices { credentials.append(try await newDevice("Redeem-\(index)")) }
let perDevice: Int = options.tickets / 2 / options.devices
let redeemEnd = ContinuousClock.now + .seconds(options.seconds)
let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
    for (index, credential) in credentials.enumerated() {
        group.addTask {
            var latencies: [Double] = []
            for slot in 0..<perDevice where ContinuousClock.now < redeemEnd {
                let ticket: UInt64 = seeded.ticketIDs[index * perDevice + slot]
                let started = ContinuousClock.now
                let at = Int64(Date().timeIntervalSince1970 * 1_000)
                let body: [String: Any] = ["ticket_id": String(ticket), "at": at, "redeem_id": "r\(ticket)"]
                let (status, answer, _) = try await call(.POST, "/api/v1/gate/redeem", token: credential, json: body)
                precondition(status == 200 && answer["admitted"] as? Bool == true, "redeem failed: \(status) \(answer)")
                latencies.append((ContinuousClock.now - started) / .milliseconds(1))
            }
            return latencies
        }
    }
    var all: [Double] = []
    for try await some in group { all += some }
    return all
}
say(String(format: "redeem: %d devices, %d admits in %.0f s = %.0f/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
    options.devices, latencies.count, options.seconds, Double(latencies.count) / options.seconds,
    percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.max() ?? 0))

// MARK: 3. Propagation: admit at A until B's replica has it

let gateA = try await newDevice("Prop-A")
let gateBCode = try await newDevice("Prop-B", enroll: false)
let enrollB = Process()
enrollB.executableURL = URL(fileURLWithPath: bin + "/gate-kiosk")
enrollB.arguments = ["enroll", "--data", work + "/gate-b", "--server", base, "--code", gateBCode]
enrollB.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
try enrollB.run()
enrollB.waitUntilExit()
let gateB = Process()
gateB.executableURL = URL(fileURLWithPath: bin + "/gate-kiosk")
gateB.arguments = ["run", "--data", work + "/gate-b", "--source", "-", "--json"]
let frames = Pipe()
gateB.standardInput = frames
gateB.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
try gateB.run()
frames.fileHandleForWriting.write(Data("YUV4MPEG2 W64 H48 F30:1 Ip A1:1 Cmono\n".utf8))
try await Task.sleep(for: .seconds(2))  // caught up, in its long-poll
let replica = try SQLiteDatabase(path: work + "/gate-b/kiosk.sqlite", readOnly: true)
var propagation: [Double] = []
let unused = seeded.ticketIDs.suffix(options.propagations)
for ticket in unused {
    let started = ContinuousClock.now
    let at = Int64(Date().timeIntervalSince1970 * 1_000)
    let body: [String: Any] = ["ticket_id": String(ticket), "at": at, "redeem_id": "p\(ticket)"]
    let (status, _, _) = try await call(.POST, "/api/v1/gate/redeem", token: gateA, json: body)
    precondition(status == 200)
    while try replica.scalar("SELECT inside FROM ticket WHERE id = ?", ticket, as: Int.self) != 1 {
        try await Task.sleep(for: .microseconds(500))
        if ContinuousClock.now - started > .seconds(10) { fatalError("gate B never heard of ticket \(ticket)") }
    }
    propagation.append((ContinuousClock.now - started) / .milliseconds(1))
    try await Task.sleep(for: .milliseconds(Int.random(in: 20...80)))
}
gateB.terminate()
gateB.waitUntilExit()
say(String(format: "propagation: %d admits at gate A seen in gate B's replica: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
    propagation.count, percentile(propagation, 0.5), percentile(propagation, 0.99), propagation.max() ?? 0))

// MARK: 4. Idle gates long-polling

/// The server's CPU seconds so far and its resident memory in MB, from /proc.
func serverUsage() -> (cpu: Double, rssMB: Double) {
    let stat = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/stat", encoding: .utf8)) ?? ""
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    let cpu = fields.count > 12 ? (Double(fields[11])! + Double(fields[12])!) / ticks : 0
    let status = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8)) ?? ""
    let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
    return (cpu, rss / 1_024)
}
var idle: [String] = []
for index in 0..<options.idleGates { idle.append(try await newDevice("Idle-\(index)")) }
let latestSeq = try replica.scalar("SELECT value FROM setting WHERE name = 'last_seq'", as: String.self).flatMap(Int.init) ?? 0
let before = serverUsage()
let idleEnd = ContinuousClock.now + .seconds(options.idleSeconds)
let polls = try await withThrowingTaskGroup(of: Int.self) { group in
    for credential in idle {
        group.addTask {
            var polls = 0
            while ContinuousClock.now < idleEnd {
                let path = "/api/v1/gate/changes?after=\(latestSeq + 100_000)&wait=25"
                let (status, page, _) = try await call(.GET, path, token: credential)
                precondition(status == 200, "\(page)")
                polls += 1
            }
            return polls
        }
    }
    // Halfway through, the memory with every gate waiting.
    try await Task.sleep(for: .seconds(options.idleSeconds / 2))
    let during = serverUsage()
    say(String(format: "idle gates: %d long-polling; server RSS %.0f MB (%.0f MB before)", options.idleGates, during.rssMB, before.rssMB))
    var total = 0
    for try await some in group { total += some }
    return total
}
let after2 = serverUsage()
say(String(format: "idle gates: %d requests in %.0f s; server CPU %.2f s = %.2f %% of one core",
    polls, options.idleSeconds, after2.cpu - before.cpu, (after2.cpu - before.cpu) / (options.idleSeconds + 25) * 100))
try await http.shutdown()
