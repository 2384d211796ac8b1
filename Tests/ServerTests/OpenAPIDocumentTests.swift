import Foundation
@testable import Server
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("the document lists exactly the routes the router serves, with the same methods")
    func matchesRouter() async throws {
        try await LiveServer.run { server in
            let reply = try await server.client.send(.GET, "/api/v1/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.object["openapi"] as? String == "3.0.3")
            let paths = reply.object["paths"] as! [String: [String: Any]]
            let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            let routed = Set(buildRouter(environment: server.environment).routes.map { route in
                // The router writes parameters as {name}, as OpenAPI does.
                "\(route.method.rawValue) \(route.path.description)"
            })
            #expect(documented == routed, "only documented: \(documented.subtracting(routed)), only routed: \(routed.subtracting(documented))")
        }
    }
}
