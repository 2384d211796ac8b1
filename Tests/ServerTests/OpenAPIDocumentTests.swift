import Foundation
@testable import Server
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("the document lists exactly the routes the router serves, with the same methods")
    func matchesRouter() async throws {
        try await LiveServer.run(.router) { server in
            let reply = try await server.client.send(.GET, "/api/v1/openapi.json")
            #expect(reply.status == 200)
            #expect(reply.object["openapi"] as? String == "3.0.3")
            let paths = try reply.field("paths", as: [String: [String: Any]].self)
            let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
            // The web pages are routes too, but not the API's: the document describes the API.
            let routed = Set(buildRouter(environment: server.environment).routes.filter { !PageErrorMiddleware.isPage($0.path.description) }.map { route in
                // The router writes parameters as {name}, as OpenAPI does.
                "\(route.method.rawValue) \(route.path.description)"
            })
            #expect(documented == routed, "only documented: \(documented.subtracting(routed)), only routed: \(routed.subtracting(documented))")
        }
    }
}

extension OpenAPIDocumentTests {
    @Test("every JSON response has a real schema, every operation lists its errors, and 405 answers with Allow")
    func responsesAreExact() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                for (status, response) in responses {
                    guard let content = response["content"] as? [String: [String: Any]], let json = content["application/json"] else { continue }
                    let schema = try #require(json["schema"] as? [String: Any])
                    let bare = schema.count == 1 && schema["type"] as? String == "object"
                    #expect(!bare || path == "/api/v1/openapi.json", "\(method) \(path) \(status) has a bare object schema")
                }
                // Whatever takes JSON can be refused for the media type, malformed JSON and size.
                if let body = operation["requestBody"] as? [String: Any], (body["content"] as? [String: Any])?["application/json"] != nil {
                    for status in ["400", "413", "415"] { #expect(responses[status] != nil, "\(method) \(path) lacks \(status)") }
                }
                if operation["security"] != nil && path != "/api/v1/auth/logout" {
                    #expect(responses["401"] != nil, "\(method) \(path) lacks 401")
                }
            }
        }
    }
}
