/// The files the pages are made of, embedded in the binary at build time (Package.swift's
/// `pageResources` lists them; a test checks that list against the folders).
enum PageResources {
    /// Mustache templates by name: `event` is `Templates/event.mustache`.
    static let templates: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "error": PackageResources.error_mustache,
        "home": PackageResources.home_mustache, "event": PackageResources.event_mustache,
        "signup": PackageResources.signup_mustache, "login": PackageResources.login_mustache,
        "tickets": PackageResources.tickets_mustache, "print": PackageResources.print_mustache,
        "confirm": PackageResources.confirm_mustache, "manage": PackageResources.manage_mustache,
        "manage-event": PackageResources.manage_event_mustache, "manage-tickets": PackageResources.manage_tickets_mustache,
        "manage-gates": PackageResources.manage_gates_mustache, "dashboard": PackageResources.dashboard_mustache,
        "dashboard-figures": PackageResources.dashboard_figures_mustache, "queue": PackageResources.queue_mustache,
        "sale-figures": PackageResources.sale_figures_mustache,
    ]

    /// Message catalogues by language code.
    static let catalogues: [String: [UInt8]] = ["en": PackageResources.en_json, "ko": PackageResources.ko_json]

    /// Static files by name, served under `/static/`.
    static let staticFiles: [String: (bytes: [UInt8], contentType: String)] = [
        "app.css": (PackageResources.app_css, "text/css; charset=utf-8"),
        "print.css": (PackageResources.print_css, "text/css; charset=utf-8"),
        "app.js": (PackageResources.app_js, "text/javascript; charset=utf-8"),
    ]
}
