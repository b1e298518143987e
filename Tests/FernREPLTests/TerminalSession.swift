import Foundation
import Glibc

/// A program running on a fresh pseudo-terminal, driven as a person at a
/// terminal would: keys written to the terminal, the screen's byte stream
/// read back. The program is a session leader with the terminal as its
/// controlling terminal, so `\u{03}` raises SIGINT and `\u{04}` is Ctrl-D.
final class TerminalSession {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let master: Int32
    private var bytes: [UInt8] = []
    /// How much of the output earlier `expect` calls have matched.
    private var matchedUpTo: String.Index?
    private var exitStatus: Int32?

    init(executable: String, environment: [String: String], directory: String) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Timeout(description: "openpty failed") }
        // Other tests spawn processes concurrently; they must not inherit the terminal.
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { close(slave) }
        var name = [CChar](repeating: 0, count: 128)
        guard ttyname_r(slave, &name, name.count) == 0 else { throw Timeout(description: "ttyname failed") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid (which posix_spawn does first), the terminal becomes the controlling one.
        posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // Close whatever else the test process has open (other tests' pipes),
        // with glibc's closefrom action, looked up as Swift does not see it.
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let setsid: Int32 = 0x80 // POSIX_SPAWN_SETSID, hidden from Swift behind _GNU_SOURCE
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // The shell only changes folder and replaces itself with the program.
        let words = ["/bin/sh", "-c", "cd \"$1\" && exec \"$2\"", "sh", directory, executable]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Timeout(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        self.master = master
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Everything the program wrote, with terminal control sequences and carriage returns removed.
    var screenText: String {
        TerminalSession.plain(String(decoding: bytes, as: UTF8.self))
    }

    /// Everything the program wrote, escape sequences included.
    var rawText: String { String(decoding: bytes, as: UTF8.self) }

    func type(_ keys: String) {
        let data = Array(keys.utf8)
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { write(master, $0.baseAddress! + offset, data.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Waits until `text` appears in the output after the previous match.
    func expect(_ text: String, within seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let screen = screenText
            let from = matchedUpTo.map { min($0, screen.endIndex) } ?? screen.startIndex
            if let found = screen[from...].range(of: text) {
                matchedUpTo = found.upperBound
                return
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, readSome(waitingUpTo: left) else {
                throw Timeout(description: "no \(String(reflecting: text)) within \(seconds) s; the screen so far:\n"
                              + String(screen.suffix(1500)) + "\nraw: " + String(reflecting: String(decoding: bytes.suffix(500), as: UTF8.self)))
            }
        }
    }

    /// Waits for the program to exit and returns its exit status.
    func waitForExit(within seconds: Double = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus!
            }
            _ = readSome(waitingUpTo: 0.05)
        }
        throw Timeout(description: "the program did not exit within \(seconds) s; the screen so far:\n"
                      + String(screenText.suffix(1500)) + "\nraw: " + String(reflecting: String(decoding: bytes.suffix(500), as: UTF8.self)))
    }

    /// Reads what is available, waiting at most `seconds`; false once the terminal is closed.
    private func readSome(waitingUpTo seconds: Double) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(seconds, 1) * 1000))
        guard ready > 0 else { return ready == 0 || errno == EINTR }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        bytes += buffer[..<count]
        return true
    }

    /// Removes escape sequences (`ESC [ ... letter`, `ESC x`) and `\r`.
    static func plain(_ text: String) -> String {
        var result = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(c.properties.isAlphabetic || c == "~") {}
                }
            } else if scalar != "\r" && scalar != "\u{07}" {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
