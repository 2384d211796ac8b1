import Foundation

/// Data directories and the files in them that hold secrets (AES keys, signing seeds, password
/// hashes): owner-only, whatever the umask of whoever started the program.
public enum PrivateFiles {
    /// Creates `path` (and its parents) if needed and sets it to 0700.
    public static func directory(_ path: String) throws(FileProblem) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw FileProblem(description: "cannot create \(path): \(FileProblem.describe(error))")
            }
        }
        guard chmod(path, 0o700) == 0 else { throw FileProblem(operation: "chmod 700 \(path)") }
    }

    /// Sets an SQLite database to 0600, creating it empty first if it is missing, so that SQLite
    /// (which gives its -wal and -shm files the database's own mode) never makes a readable one.
    public static func database(_ path: String) throws(FileProblem) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileProblem(operation: "open \(path)") }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw FileProblem(operation: "chmod 600 \(path)") }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard chmod(path + suffix, 0o600) == 0 else { throw FileProblem(operation: "chmod 600 \(path + suffix)") }
        }
    }

    /// The permission bits of `path`, or nil when it does not exist.
    public static func mode(of path: String) -> mode_t? {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o7777 : nil
    }

    /// The size of `path` in bytes, or nil when it does not exist.
    public static func size(of path: String) -> Int64? {
        var status = stat()
        return stat(path, &status) == 0 ? Int64(status.st_size) : nil
    }
}
