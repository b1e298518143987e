import Foundation
import Synchronization

/// What every open page of `fern watch` shows, and the server-sent events that keep them current:
/// the latest report (`report`, its version number as data) and the run's status (`status`, JSON).
public final class LivePage: Sendable {
    /// The run's state as the page's status bar shows it.
    public struct Status: Codable, Equatable, Sendable {
        /// "running", "done", "failed", "stopped" or "waiting" (for a notebook that cannot be read).
        public var state: String
        public var cell: Int?
        public var title: String?
        /// The last line the cell printed (an epoch line while `fit` trains).
        public var progress: String?
        /// Epochs done and planned, from `fit`'s epoch lines.
        public var epoch: Int?
        public var epochs: Int?
        public var message: String?

        public init(state: String, cell: Int? = nil, title: String? = nil, progress: String? = nil,
                    epoch: Int? = nil, epochs: Int? = nil, message: String? = nil) {
            (self.state, self.cell, self.title, self.progress) = (state, cell, title, progress)
            (self.epoch, self.epochs, self.message) = (epoch, epochs, message)
        }
    }

    private struct State {
        var report = "<!doctype html><html><head><meta charset=\"utf-8\"><title>fern watch</title></head><body><p>Running the notebook…</p></body></html>"
        var version = 0
        var status = Status(state: "running")
        var listeners: [Int: AsyncStream<String>.Continuation] = [:]
        var nextListener = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The page as last published, and its version.
    public var report: (html: String, version: Int) { state.withLock { ($0.report, $0.version) } }
    public var status: Status { state.withLock { $0.status } }

    /// Replaces the report; every open page fetches it.
    public func publish(report html: String) {
        let (version, listeners) = state.withLock { state -> (Int, [AsyncStream<String>.Continuation]) in
            state.report = html
            state.version += 1
            return (state.version, Array(state.listeners.values))
        }
        for listener in listeners { listener.yield(LivePage.event("report", data: String(version))) }
    }

    public func publish(status: Status) {
        let listeners = state.withLock { state -> [AsyncStream<String>.Continuation] in
            state.status = status
            return Array(state.listeners.values)
        }
        let event = LivePage.event("status", data: LivePage.json(status))
        for listener in listeners { listener.yield(event) }
    }

    /// A stream of server-sent events for one page: first the current report version and
    /// status, then each change, until the page goes or `close()`.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let (id, version, status) = state.withLock { state in
            let id = state.nextListener
            state.nextListener += 1
            state.listeners[id] = continuation
            return (id, state.version, state.status)
        }
        continuation.yield(LivePage.event("report", data: String(version)))
        continuation.yield(LivePage.event("status", data: LivePage.json(status)))
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every page's event stream (the server is stopping).
    public func close() {
        let listeners = state.withLock { state in
            defer { state.listeners.removeAll() }
            return Array(state.listeners.values)
        }
        for listener in listeners { listener.finish() }
    }

    var listenerCount: Int { state.withLock { $0.listeners.count } }

    static func event(_ name: String, data: String) -> String {
        "event: \(name)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }

    static func json(_ status: Status) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(status)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
