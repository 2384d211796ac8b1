import Foundation
import Shared

/// Runs one of the package's built executables (`gate-kiosk`, `ticket-server`) as a real process,
/// the way a person or a script at the gate would.
public struct ProductRunner: Sendable {
    public struct Outcome: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    public let executable: String

    /// The product built beside the test bundle (`swift test` builds every product first).
    public init(product: String) {
        // XCTest runs from inside a `.xctest` bundle, swift-testing from the test binary beside it.
        let bundle = Bundle.main.bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent(product).path }
        executable = candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Any program, such as `/bin/sh` to start a product under a chosen umask.
    public init(executable: String) {
        self.executable = executable
    }

    /// Runs the product with `arguments` and waits for it to exit.
    public func run(_ arguments: [String], input: String? = nil) throws -> Outcome {
        FileDescriptorLimit.raise()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        if let input { standardInput.fileHandleForWriting.write(Data(input.utf8)) }
        try standardInput.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errorData = ThreadedReader(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ThreadedReader: @unchecked Sendable {
    // @unchecked: `data` is written once by the thread before `done` is signalled and read only after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
