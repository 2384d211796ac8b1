import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TestSupport

/// Debian's chromium, headless, driven by its chromedriver over the W3C WebDriver protocol: a
/// real browser for the page tests (layout, JavaScript, cookies, CSP), with no library between.
final class WebDriver: @unchecked Sendable {
    // One test drives one browser from one task.
    private let driver: Process
    private let http: HTTPClient
    private let base: String
    private var session = ""

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let driverPath = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts chromedriver and a browser window of `width`×`height` CSS pixels; under 500 wide,
    /// as a phone (touch, mobile viewport), since a desktop window cannot be made that narrow.
    init(width: Int, height: Int, language: String) async throws {
        guard let path = Self.driverPath, FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else {
            throw Failure(description: "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)")
        }
        let port = try LoopbackPort.free()
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: path)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        base = "http://127.0.0.1:\(port)"
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        var options: [String: Any] = [
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=\(width),\(height)", "--lang=\(language)"],
            "prefs": ["intl.accept_languages": language],
        ]
        if width < 500 {
            options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": 1, "touch": true]]
        }
        // chromedriver takes a moment to listen, and the browser longer on a busy machine.
        var lastError: (any Error)?
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            do {
                let answer = try await send("POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
                if let session = (answer["value"] as? [String: Any])?["sessionId"] as? String {
                    self.session = session
                    return
                }
                lastError = Failure(description: "no session in \(answer)")
            } catch {
                lastError = error
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        // An HTTPClient must be shut down before it goes, or its deinit stops the whole test run.
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        try? await http.shutdown()
        throw Failure(description: "chromedriver did not start a browser within 30 s: \(String(describing: lastError))")
    }

    /// Closes the browser and stops chromedriver (killed: a test must not wait on it).
    func quit() async {
        _ = try? await send("DELETE", "/session/\(session)", nil, timeout: .seconds(10))
        // Only while it runs: a pid already reaped may be another process's by now.
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
        try? await http.shutdown()
    }

    func open(_ url: String) async throws { _ = try await command("POST", "/url", ["url": url]) }

    var currentURL: String { get async throws { try await command("GET", "/url", nil) as? String ?? "" } }

    /// The page's URL once it contains `part`, waiting up to five seconds: a form's click may
    /// return before the browser has followed the server's redirect. The URL as it is otherwise.
    func url(containing part: String) async throws -> String {
        for _ in 0..<50 {
            let url = try await currentURL
            if url.contains(part) { return url }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await currentURL
    }

    /// The element for a CSS selector, waiting up to two seconds for it to appear.
    func element(_ selector: String) async throws -> String {
        for attempt in 0..<20 {
            do {
                let found = try await command("POST", "/element", ["using": "css selector", "value": selector]) as? [String: Any]
                if let id = found?.values.first as? String { return id }
            } catch where attempt < 19 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw Failure(description: "no element \(selector)")
    }

    func type(_ selector: String, _ text: String) async throws {
        _ = try await command("POST", "/element/\(try await element(selector))/value", ["text": text])
    }

    /// Clicks an element as a person would: scrolled to the middle of the screen first, so the
    /// sticky booking bar does not cover it.
    func click(_ selector: String) async throws {
        let id = try await element(selector)
        _ = try await script("document.querySelector(arguments[0]).scrollIntoView({block: 'center'})", [selector])
        _ = try await command("POST", "/element/\(id)/click", [:])
    }

    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": source, "args": arguments])
    }

    /// axe-core's script, fetched by `scripts/install-packages test` into `.build/axe-core/`.
    static let axeSource: String? = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/axe-core/axe.min.js")
        return try? String(contentsOf: path.standardized, encoding: .utf8)
    }()

    /// The page's serious and critical accessibility violations by axe-core, one line each
    /// (rule, then the elements); nil when axe-core's script is not there.
    func accessibilityViolations() async throws -> [String]? {
        guard let axe = Self.axeSource else { return nil }
        // WebDriver waits for a promise a script returns.
        let found = try await script(axe + """
            ;return axe.run(document, {resultTypes: ['violations']}).then(result => result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')));
            """)
        return found as? [String] ?? []
    }

    /// A PNG of the whole page: the window is made as tall as the page first.
    func screenshot(fullPage: Bool = true, mobileWidth: Int? = nil) async throws -> [UInt8] {
        if fullPage {
            let height = min(try await script("return document.documentElement.scrollHeight") as? Int ?? 800, 8_000)
            if let mobileWidth {
                _ = try await command(
                    "POST", "/goog/cdp/execute",
                    ["cmd": "Emulation.setDeviceMetricsOverride", "params": ["width": mobileWidth, "height": height, "deviceScaleFactor": 1, "mobile": true]])
            } else {
                let width = try await script("return window.outerWidth") as? Int ?? 1280
                _ = try await command("POST", "/window/rect", ["width": width, "height": height + 140])
            }
        }
        return try decodePNG(try await command("GET", "/screenshot", nil))
    }

    /// A PNG of one element, as the screen shows it.
    func screenshot(of selector: String) async throws -> [UInt8] {
        try decodePNG(try await command("GET", "/element/\(try await element(selector))/screenshot", nil))
    }

    private func decodePNG(_ value: Any?) throws -> [UInt8] {
        guard let text = value as? String, let data = Data(base64Encoded: text) else { throw Failure(description: "no screenshot") }
        return Array(data)
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        try await send(method, "/session/\(session)\(path)", body)["value"]
    }

    private func send(_ method: String, _ path: String, _ body: [String: Any]?, timeout: TimeAmount = .seconds(60)) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) }
        let response = try await http.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        guard response.status.code < 300 else {
            let message = ((object["value"] as? [String: Any])?["message"] as? String)?.prefix(300) ?? ""
            throw Failure(description: "WebDriver \(method) \(path): \(response.status.code) \(message)")
        }
        return object
    }
}
