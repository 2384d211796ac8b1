import NIOSSL

/// https for a server on a network nobody trusts (a festival's Wi-Fi): a certificate chain and
/// its key from PEM files, read at start so a bad file stops the server with a clear error.
public enum ServerTLS {
    public static func configuration(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw TLSFileError(description: "cannot read a PEM certificate from \(certificateFile): \(error)")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw TLSFileError(description: "cannot read a PEM private key from \(keyFile): \(error)")
        }
        guard !chain.isEmpty else { throw TLSFileError(description: "\(certificateFile) holds no certificate") }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            _ = try NIOSSLContext(configuration: configuration)  // a key that does not fit the certificate fails here
        } catch {
            throw TLSFileError(description: "\(keyFile) and \(certificateFile) do not make a TLS server: \(error)")
        }
        return configuration
    }
}

public struct TLSFileError: Error, CustomStringConvertible {
    public let description: String
}
