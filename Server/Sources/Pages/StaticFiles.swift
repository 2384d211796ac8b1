import Hummingbird
import Shared

/// `/static/…`: the stylesheet and the script, from the binary. Each has an ETag from its
/// content, and pages link it as `/static/app.css?v=<that tag>`, so a browser keeps a file for a
/// day and fetches the new one as soon as a new server ships it.
enum StaticFiles {
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let tag: String
        /// The file gzipped once, for browsers that take it.
        let gzipped: [UInt8]?
    }

    static let files: [String: File] = PageResources.staticFiles.mapValues { file in
        File(
            bytes: file.bytes, contentType: file.contentType, tag: String(Hex.encode(SHA256.hash(file.bytes)).prefix(16)),
            gzipped: Gzip.body([Gzip.piece(file.bytes, level: 9, final: true)]))
    }

    static func url(_ name: String) -> String { "/static/\(name)?v=\(files[name]!.tag)" }

    static func serve(_ request: Request, context: AppRequestContext) throws -> Response {
        guard let name = context.parameters.get("file"), let file = files[name] else { throw PageError(.notFound, "error_not_found") }
        var headers = PageKit.securityHeaders
        headers[.eTag] = "\"\(file.tag)\""
        headers[.cacheControl] = "public, max-age=86400"
        if request.headers[.ifNoneMatch]?.contains(file.tag) == true { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = file.contentType
        headers[.vary] = "Accept-Encoding"
        if Gzip.isAccepted(request.headers[.acceptEncoding]), let gzipped = file.gzipped {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: gzipped)))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
