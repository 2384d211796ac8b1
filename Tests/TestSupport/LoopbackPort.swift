import Foundation

/// Loopback ports for the programs the tests start (PostgreSQL, chromedriver).
public enum LoopbackPort {
    /// A loopback port nobody listens on now: the kernel's pick, so two tests starting programs
    /// at once do not both pick the same one, as random picks now and then did.
    public static func free() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw LoopbackPortError() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct LoopbackPortError: Error, CustomStringConvertible {
    public var description: String { "no free loopback port" }
}
