import Foundation
import Hummingbird
import Logging
import NIOCore

/// The HTTP side of `fern watch`: `/` the live page (the report plus `LiveScript`), `/report` the
/// report alone (what the page fetches on each update), `/events` server-sent events.
public struct WatchServer: Sendable {
    public let page: LivePage
    public let host: String
    public let port: Int

    public init(page: LivePage, host: String = "127.0.0.1", port: Int) {
        (self.page, self.host, self.port) = (page, host, port)
    }

    /// Serves until the task is cancelled. `onListening` gets the bound port (useful with port 0).
    /// A port already in use is a `WatchError` saying so.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let router = Router()
        let page = self.page
        router.get("/") { _, _ -> Response in
            let (html, version) = page.report
            return WatchServer.htmlResponse(WatchServer.livePage(html, version: version))
        }
        router.get("/report") { _, _ -> Response in
            WatchServer.htmlResponse(page.report.html)
        }
        router.get("/events") { _, _ -> Response in
            let events = page.subscribe()
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                for await event in events {
                    try await writer.write(ByteBuffer(string: event))
                }
                try await writer.finish(nil)
            })
        }
        let app = Application(router: router,
                              configuration: .init(address: .hostname(host, port: port), serverName: "fern watch"),
                              onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
                              logger: WatchServer.quietLogger)
        do {
            try await app.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw WatchError("port \(port) on \(host) is already in use; choose another with --port N (or --port 0 for any free one)")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw WatchError("not allowed to listen on port \(port); ports below 1024 need privileges, choose another with --port N")
        }
    }

    static func livePage(_ report: String, version: Int) -> String {
        let head = LiveScript.head, body = LiveScript.body.replacingOccurrences(of: "__FERN_REPORT_VERSION__", with: String(version))
        var html = report
        if let end = html.range(of: "</head>", options: .backwards) { html.insert(contentsOf: head, at: end.lowerBound) } else { html = head + html }
        if let end = html.range(of: "</body>", options: .backwards) { html.insert(contentsOf: body, at: end.lowerBound) } else { html += body }
        return html
    }

    static func htmlResponse(_ html: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "fern.watch")
        logger.logLevel = .error
        return logger
    }
}

public struct WatchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
