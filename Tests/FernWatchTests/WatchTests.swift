import FernNotebook
import FernTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Testing
@testable import FernWatch

@Suite struct LivePageTests {
    @Test func eventsAreServerSentEventFrames() {
        #expect(LivePage.event("report", data: "3") == "event: report\ndata: 3\n\n")
        #expect(LivePage.event("status", data: "a\nb") == "event: status\ndata: a\ndata: b\n\n")
    }

    @Test func aNewPageGetsTheCurrentStateThenEachChange() async {
        let page = LivePage()
        page.publish(report: "<html><body>one</body></html>")
        page.publish(status: .init(state: "running", cell: 2, title: "Training"))
        var events = page.subscribe().makeAsyncIterator()
        #expect(await events.next() == "event: report\ndata: 1\n\n")
        #expect(await events.next() == "event: status\ndata: {\"cell\":2,\"state\":\"running\",\"title\":\"Training\"}\n\n")
        page.publish(report: "<html><body>two</body></html>")
        #expect(await events.next() == "event: report\ndata: 2\n\n")
        #expect(page.report.html.contains("two"))
        page.close()
        #expect(await events.next() == nil)
        #expect(page.listenerCount == 0)
    }

    @Test func theLivePageIsTheReportWithTheStatusBarAndScript() {
        let html = WatchServer.livePage("<html><head><title>r</title></head><body><p>cells</p></body></html>", version: 7)
        #expect(html.contains("#fern-live{") && html.range(of: "#fern-live{")!.lowerBound < html.range(of: "</head>")!.lowerBound)
        #expect(html.contains("var shown = 7;"))
        #expect(html.contains("new EventSource('/events')"))
        #expect(html.hasSuffix("</script>\n</body></html>") || html.contains("</script></body></html>"))
    }
}

@Suite struct WatchServerTests {
    /// A port someone else holds is a clear error, not a crash or a hang.
    @Test(.timeLimit(.minutes(1)))
    func aPortInUseIsAClearError() async throws { try await withHighPriority {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(holder, raw, length) == 0, listen(holder, 1) == 0, getsockname(holder, raw, &length) == 0 else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        do {
            try await WatchServer(page: LivePage(), port: port).run()
            Issue.record("the server ran on a port in use")
        } catch let error as WatchError {
            #expect(error.description == "port \(port) on 127.0.0.1 is already in use; choose another with --port N (or --port 0 for any free one)")
        }
    } }

    /// The page, the report and the event stream over real HTTP.
    @Test(.timeLimit(.minutes(1)))
    func servesThePageTheReportAndEvents() async throws { try await withHighPriority {
        let page = LivePage()
        page.publish(report: "<html><head></head><body><p>first report</p></body></html>")
        let listening = AsyncStream<Int>.makeStream()
        let server = Task { try await WatchServer(page: page, port: 0).run { listening.continuation.yield($0) } }
        defer { server.cancel() }
        var ports = listening.stream.makeAsyncIterator()
        let port = try #require(await ports.next())
        let base = URL(string: "http://127.0.0.1:\(port)")!
        let (pageData, _) = try await URLSession.shared.data(from: base)
        let live = String(decoding: pageData, as: UTF8.self)
        #expect(live.contains("first report") && live.contains("EventSource"))
        let (reportData, _) = try await URLSession.shared.data(from: base.appendingPathComponent("report"))
        #expect(String(decoding: reportData, as: UTF8.self) == "<html><head></head><body><p>first report</p></body></html>")
    } }
}
