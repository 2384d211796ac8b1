import Foundation
import GateProtocol
@testable import Server
import Shared
import Testing

/// The gate API's wire types (GateProtocol) against the OpenAPI document: every field the types
/// write is a property of the schema, every key always written is required, and every closed set
/// of words is the schema's enum exactly. The kiosk and the server code the same types, so the
/// document describes both.
@Suite("Gate wire types against the OpenAPI document")
struct GateWireDocumentTests {
    let document: [String: Any]

    init() throws {
        document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    }

    /// A schema with its `$ref` and `allOf` followed.
    func resolved(_ schema: [String: Any]) throws -> [String: Any] {
        if let reference = schema["$ref"] as? String {
            let name = try #require(reference.split(separator: "/").last.map(String.init))
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            return try resolved(try #require(schemas[name], "no schema \(name)"))
        }
        if let parts = schema["allOf"] as? [[String: Any]], let first = parts.first { return try resolved(first) }
        return schema
    }

    func operation(_ method: String, _ path: String) throws -> [String: Any] {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        return try #require(paths[path]?[method] as? [String: Any], "\(method) \(path) is not documented")
    }

    func requestSchema(_ method: String, _ path: String) throws -> [String: Any] {
        let body = try #require(try operation(method, path)["requestBody"] as? [String: Any])
        let json = try #require((body["content"] as? [String: Any])?["application/json"] as? [String: Any])
        return try resolved(try #require(json["schema"] as? [String: Any]))
    }

    func answerSchema(_ method: String, _ path: String) throws -> [String: Any] {
        let responses = try #require(try operation(method, path)["responses"] as? [String: Any])
        let json = try #require(((responses["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
        return try resolved(try #require(json["schema"] as? [String: Any]))
    }

    func property(_ name: String, of schema: [String: Any]) throws -> [String: Any] {
        try resolved(try #require((schema["properties"] as? [String: [String: Any]])?[name], "no property \(name)"))
    }

    /// `full` (every optional set) writes exactly the schema's properties; `bare` (every
    /// optional left out) writes exactly its required ones.
    func expectMatches(_ full: some Encodable, bare: some Encodable, _ schema: [String: Any], _ name: String) throws {
        func keys(_ value: some Encodable) throws -> Set<String> {
            Set(try #require(try JSONSerialization.jsonObject(with: WireJSON.encoder.encode(value)) as? [String: Any]).keys)
        }
        let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        let required = Set(schema["required"] as? [String] ?? [])
        let (written, alwaysWritten) = (try keys(full), try keys(bare))
        #expect(written == properties, "\(name): written \(written.symmetricDifference(properties)) differ from the schema")
        #expect(alwaysWritten == required, "\(name): always written \(alwaysWritten.symmetricDifference(required)) differ from required")
    }

    func expectEnum<Word: RawRepresentable & CaseIterable>(_ type: Word.Type, _ schema: [String: Any], _ name: String) where Word.RawValue == String {
        let documented = Set(schema["enum"] as? [String] ?? [])
        let coded = Set(Word.allCases.map(\.rawValue))
        #expect(documented == coded, "\(name): only documented \(documented.subtracting(coded)), only in code \(coded.subtracting(documented))")
    }

    static let device = GateDevice(
        id: 7, eventID: 1, name: "North-1", direction: .entry, classes: [1, 2], status: .active, createdAt: 1, enrolledAt: 2,
        lastSeenAt: 3, online: true, replicaSeq: 4, pendingScans: 5, clockOffsetMs: -6)
    static let bareDevice = GateDevice(
        id: 7, eventID: 1, name: "North-1", direction: .exit, classes: nil, status: .pending, createdAt: 1, enrolledAt: nil,
        lastSeenAt: nil, online: false, replicaSeq: 0, pendingScans: 0, clockOffsetMs: nil)
    static let key = GateKey(kid: 1, status: .active, aesKey: "00", ed25519PublicKey: "00")
    static let change = FeedChange(
        seq: 1, kind: .ticketAdmitted, ticketID: "42", status: .valid, holder: "Ada", seat: "A-1", ticketClass: 1, at: 5, gate: "North-1")
    static let bareChange = FeedChange(
        seq: 1, kind: .eventChanged, ticketID: nil, status: nil, holder: nil, seat: nil, ticketClass: nil, at: nil, gate: nil)
    static let scan = PushedScan(
        scanNumber: 1, ticketID: "42", at: 5, verdict: .admit, reason: .ok, direction: .entry, source: .camera, mode: .online, redeemID: "r")
    static let bareScan = PushedScan(
        scanNumber: 1, ticketID: nil, at: 5, verdict: .reject, reason: .malformed, direction: .entry, source: .camera, mode: .offline,
        redeemID: nil)

    @Test("the device, its keys, enrollment and the feed")
    func devicesAndFeed() throws {
        try expectMatches(Self.device, bare: Self.bareDevice, try resolved(["$ref": "#/components/schemas/Device"]), "Device")
        try expectMatches(Self.key, bare: Self.key, try resolved(["$ref": "#/components/schemas/GateKey"]), "GateKey")
        try expectMatches(EnrollRequest(code: "K7QF-29XM"), bare: EnrollRequest(code: "K7QF-29XM"), try requestSchema("post", "/api/v1/gate/enroll"), "enroll")
        let enrolled = EnrollAnswer(credential: "fgd_x", device: Self.device, keys: [Self.key], serverTime: 1)
        try expectMatches(enrolled, bare: enrolled, try answerSchema("post", "/api/v1/gate/enroll"), "enroll answer")
        let page = FeedPage(changes: [Self.change], lastSeq: 1, more: false, keys: [Self.key], device: Self.device, serverTime: 1)
        try expectMatches(page, bare: page, try answerSchema("get", "/api/v1/gate/changes"), "feed page")
        try expectMatches(Self.change, bare: Self.bareChange, try resolved(["$ref": "#/components/schemas/GateChange"]), "GateChange")
    }

    @Test("redeem and pushed scans")
    func redeemAndScans() throws {
        try expectMatches(
            RedeemRequest(ticketID: "42", at: 5, reEntry: true, redeemID: "r"), bare: RedeemRequest(ticketID: "42", at: 5, reEntry: nil, redeemID: "r"),
            try requestSchema("post", "/api/v1/gate/redeem"), "redeem")
        try expectMatches(
            RedeemAnswer(reason: .alreadyUsed, usedAt: 5, usedGate: "South-1", serverTime: 6), bare: RedeemAnswer(reason: .ok, serverTime: 6),
            try answerSchema("post", "/api/v1/gate/redeem"), "redeem answer")
        try expectMatches(
            PushRequest(scans: [Self.scan], pending: 0), bare: PushRequest(scans: [Self.scan], pending: nil), try requestSchema("post", "/api/v1/gate/scans"),
            "push")
        try expectMatches(Self.scan, bare: Self.bareScan, try resolved(["$ref": "#/components/schemas/GateScan"]), "GateScan")
        let pushed = PushAnswer(received: 1, stored: 1, serverTime: 1)
        try expectMatches(pushed, bare: pushed, try answerSchema("post", "/api/v1/gate/scans"), "push answer")
    }

    @Test("every closed set of words is the schema's enum")
    func words() throws {
        let device = try resolved(["$ref": "#/components/schemas/Device"])
        expectEnum(GateDirection.self, try property("direction", of: device), "Device.direction")
        expectEnum(DeviceStatus.self, try property("status", of: device), "Device.status")
        expectEnum(KeyStatus.self, try property("status", of: try resolved(["$ref": "#/components/schemas/GateKey"])), "GateKey.status")
        let change = try resolved(["$ref": "#/components/schemas/GateChange"])
        expectEnum(ChangeKind.self, try property("kind", of: change), "GateChange.kind")
        expectEnum(TicketStatus.self, try property("status", of: change), "GateChange.status")
        expectEnum(ChangeKind.self, try property("kind", of: try resolved(["$ref": "#/components/schemas/Change"])), "Change.kind")
        let scan = try resolved(["$ref": "#/components/schemas/GateScan"])
        expectEnum(ScanVerdict.self, try property("verdict", of: scan), "GateScan.verdict")
        expectEnum(AdmissionReason.self, try property("reason", of: scan), "GateScan.reason")
        expectEnum(GateDirection.self, try property("direction", of: scan), "GateScan.direction")
        expectEnum(ScanSource.self, try property("source", of: scan), "GateScan.source")
        expectEnum(ScanMode.self, try property("mode", of: scan), "GateScan.mode")
        // The server answers a redeem with some of the reasons only: each of them a word the type knows.
        let redeemReasons = Set(try property("reason", of: try answerSchema("post", "/api/v1/gate/redeem"))["enum"] as? [String] ?? [])
        #expect(!redeemReasons.isEmpty && redeemReasons.isSubset(of: AdmissionReason.allCases.map(\.rawValue)), "\(redeemReasons)")
    }
}
