import Foundation

/// The key file format of the spec (`festivalgate-keys/1`): the server's file and the kiosk's
/// export share it; only the server's carries `ed25519_seed`.
public enum KeyFile {
    public static let format = "festivalgate-keys/1"

    /// Reads and checks a key file.
    public static func read(from path: String) throws(KeyFileError) -> KeyRing {
        // Anyone who can write the file can make the server sign for them or a gate trust them.
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IWOTH != 0 {
            throw .unsafePermissions(path: path, mode: status.st_mode & 0o777)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: FileProblem.describe(error))
        }
        do {
            return try decode(data)
        } catch {
            throw .invalid(path: path, reason: error.description)
        }
    }

    /// Writes `ring` atomically, mode 0600 whatever the umask: even a kiosk export holds the AES
    /// keys that read every ticket's holder and seat.
    public static func write(_ ring: KeyRing, to path: String) throws(KeyFileError) {
        do {
            try AtomicFile.write(encode(ring), to: path, mode: 0o600)
        } catch {
            throw .unwritable(path: path, reason: error.description)
        }
    }

    public static func encode(_ ring: KeyRing) -> Data {
        let file = FileShape(
            format: format,
            keys: ring.keys.map {
                KeyShape(
                    kid: Int($0.kid), status: $0.status.rawValue, aes_key: Hex.encode($0.aesKey),
                    ed25519_public_key: Hex.encode($0.publicKey), ed25519_seed: $0.seed.map(Hex.encode))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(file) + Data("\n".utf8)
    }

    /// Parses a key file's bytes, rejecting an unknown format, a duplicate kid, a key of the wrong
    /// length, or a public key that does not match its seed, with a message naming the kid.
    public static func decode(_ data: Data) throws(KeyFileDecodingError) -> KeyRing {
        let file: FileShape
        do {
            file = try JSONDecoder().decode(FileShape.self, from: data)
        } catch {
            throw KeyFileDecodingError(FileProblem.describe(error))
        }
        guard file.format == format else {
            throw KeyFileDecodingError("unknown format \"\(file.format)\"; expected \"\(format)\"")
        }
        var keys: [TokenKey] = []
        for shape in file.keys {
            guard let kid = UInt8(exactly: shape.kid) else {
                throw KeyFileDecodingError("kid \(shape.kid) is outside 0–255")
            }
            guard let status = KeyStatus(rawValue: shape.status) else {
                throw KeyFileDecodingError("kid \(kid): unknown status \"\(shape.status)\"")
            }
            func bytes(_ field: String, _ text: String) throws(KeyFileDecodingError) -> [UInt8] {
                guard let bytes = Hex.decode(text) else { throw KeyFileDecodingError("kid \(kid): \(field) is not hex") }
                return bytes
            }
            let aesKey = try bytes("aes_key", shape.aes_key)
            let publicKey = try bytes("ed25519_public_key", shape.ed25519_public_key)
            let seed = try shape.ed25519_seed.map { (seed) throws(KeyFileDecodingError) in try bytes("ed25519_seed", seed) }
            do {
                keys.append(try TokenKey(kid: kid, status: status, aesKey: aesKey, publicKey: publicKey, seed: seed))
            } catch {
                throw KeyFileDecodingError(error.description)
            }
        }
        do {
            return try KeyRing(keys: keys)
        } catch {
            throw KeyFileDecodingError(error.description)
        }
    }

    // The file's JSON as it is written: snake_case fields, hex strings, a seed only on the server.
    private struct FileShape: Codable {
        var format: String
        var keys: [KeyShape]
    }

    private struct KeyShape: Codable {
        var kid: Int
        var status: String
        var aes_key: String
        var ed25519_public_key: String
        var ed25519_seed: String?
    }
}

/// A key file's content breaks the format.
public struct KeyFileDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A key file could not be read, written or understood.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case unsafePermissions(path: String, mode: mode_t)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read key file \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write key file \(path): \(reason)"
        case .invalid(let path, let reason): "key file \(path) is not valid: \(reason)"
        case .unsafePermissions(let path, let mode):
            "key file \(path) is writable by everyone (mode \(String(mode, radix: 8))); refusing it: run 'chmod 600 \(path)' if its content is trusted"
        }
    }
}
