/// The OpenAPI 3 description of the JSON API, served at `/api/v1/openapi.json`. It lives in
/// `openapi.json` beside this file, embedded in the binary at build time. Every status an
/// operation can answer is listed with its error codes, and every schema is exact; tests check
/// it against the router's routes, and `bench/schemathesis.sh` checks the server against it.
enum OpenAPIDocument {
    static let json = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
