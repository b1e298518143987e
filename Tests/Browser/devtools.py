"""Headless Chromium over the DevTools protocol, for the browser tests (stdlib only).

    with headless_chromium(workdir) as tab:      # a DevTools connection to a blank page
        tab.call("Page.navigate", url=...)
        tab.evaluate("document.title")
"""
import base64, contextlib, json, os, re, shutil, socket, struct, subprocess, time, urllib.request

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class DevTools:
    """A minimal WebSocket client (RFC 6455, text frames) speaking Chrome's DevTools protocol."""

    def __init__(self, url):
        host, port, path = re.match(r"ws://([^:/]+):(\d+)(/.*)", url).groups()
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert b" 101 " in response.split(b"\r\n")[0], response
        self.next_id = 0

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        header += bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self):
        message = b""
        while True:
            first, second = self._recv_exact(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            message += self._recv_exact(n)
            if first & 0x80:
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, test, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


def targets(port):
    """The pages DevTools on this port lists, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
            return json.load(r)
    except OSError:
        return None


@contextlib.contextmanager
def headless_chromium(workdir, window="1200,1400"):
    """Starts headless Chromium (profile under workdir) and yields a DevTools tab on a blank page."""
    if not CHROMIUM:
        raise SystemExit("chromium is not installed (Debian: apt-get install chromium)")
    port = free_port()
    chromium = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 f"--remote-debugging-port={port}", f"--user-data-dir={workdir}/chromium",
                                 f"--window-size={window}", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        listed = wait_until("DevTools answers", lambda: targets(port), 30)
        page = next(t for t in listed if t.get("type") == "page")
        tab = DevTools(page["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        yield tab
    finally:
        chromium.kill()
        chromium.wait()


def screenshot(tab, path, full_page=False):
    """Saves what the tab shows as a PNG; full_page captures the whole document, not just the window."""
    params = {"format": "png"}
    if full_page:
        size = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1})
    shot = tab.call("Page.captureScreenshot", **params)
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
