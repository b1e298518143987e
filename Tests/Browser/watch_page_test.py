#!/usr/bin/env python3
"""fern watch in a real browser: headless Chromium, driven over the DevTools protocol.

Opens the live page of a small notebook, then edits the file as a person would and checks the
page's DOM (not a reload: a marker set in the page survives every update):
  1. a Markdown cell's new text shows within 5 s of the save;
  2. a plot's new title shows within 5 s (the figure is a new image), and the training cell above
     it is not re-run: the report says "cache: reused" for it;
  3. a syntax error saved in a cell shows at its cell with line, column and a caret, the cells
     above stay; fixing it recovers;
  4. a second `fern watch` on the same port is a clear error; Ctrl-C stops the first cleanly.
A screenshot of the page goes to $WATCH_SCREENSHOT (default /tmp/fern-watch.png).

usage: watch_page_test.py FERN_BINARY        (stdlib only; needs Debian's chromium)
"""
import base64, json, os, re, shutil, signal, socket, struct, subprocess, sys, tempfile, time, urllib.request

FERN = os.path.abspath(sys.argv[1])
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
SCREENSHOT = os.environ.get("WATCH_SCREENSHOT", "/tmp/fern-watch.png")

NOTEBOOK = """#%% md
# Watch test

The first version of this text.

#%% Data
faces = synthetic_faces(64, seed=3)
train, val = split(faces, 0.25, seed=1)

#%% Training
m = seed_dnn(seed=1)
h = fit(m, train, epochs=2, batch=16, lr=0.001, validation=val, seed=1)

#%% Plot
plot_history(h, title="First title")
"""


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


def main():
    if not CHROMIUM:
        sys.exit("watch_page_test: chromium is not installed (Debian: apt-get install chromium)")
    work = tempfile.mkdtemp(prefix="fern-watch-test-")
    path = os.path.join(work, "watched.fernb")
    with open(path, "w") as f:
        f.write(NOTEBOOK)
    port = free_port()
    watch = subprocess.Popen([FERN, "watch", path, "--port", str(port), "--out", os.path.join(work, "out")],
                             cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = watch.stdout.readline()
    assert f"http://127.0.0.1:{port}/" in first, first
    devtools_port = free_port()
    chromium = subprocess.Popen([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                 f"--remote-debugging-port={devtools_port}", f"--user-data-dir={work}/chromium",
                                 "--window-size=1200,1400", "about:blank"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = wait_until("DevTools answers", lambda: _targets(devtools_port), 30)
        page = next(t for t in targets if t.get("type") == "page")
        tab = DevTools(page["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        tab.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
        text = lambda: tab.evaluate("document.body ? document.body.innerText : ''") or ""
        status = lambda: tab.evaluate("(document.getElementById('fern-live') || {}).className") or ""
        wait_until("the first run is done", lambda: status() == "done" and "The first version" in text(), 300)
        tab.evaluate("window.fernMarker = 'no reload'")
        assert 'title="First title"' in text(), text()[-400:]  # the plot cell's source, as run

        def save(old, new):
            with open(path) as f:
                source = f.read()
            assert old in source
            with open(path + ".tmp", "w") as f:
                f.write(source.replace(old, new))
            os.replace(path + ".tmp", path)  # as editors save: a new file renamed over the old
            return time.time()

        # 1. A Markdown cell.
        saved = save("The first version of this text.", "The second version, edited while watching.")
        wait_until("the Markdown edit on the page", lambda: "The second version, edited while watching." in text(), 5)
        print(f"markdown edit shown after {time.time() - saved:.2f} s")

        # 2. A plot's title: a new figure, and the training cell reused from the cache.
        before = tab.evaluate("Array.from(document.images).map(i => i.src.length + ':' + i.src.slice(-40)).join('|')")
        saved = save('title="First title"', 'title="Second title"')
        wait_until("the new figure on the page",
                   lambda: tab.evaluate("Array.from(document.images).map(i => i.src.length + ':' + i.src.slice(-40)).join('|')") != before
                   and status() == "done", 5)
        print(f"plot title edit shown after {time.time() - saved:.2f} s")
        page_text = text()
        training = page_text[page_text.index("Training"):page_text.index("Plot")]
        assert "cache: reused" in training, training
        assert "Epoch 2/2" in training, training  # its output, replayed
        assert tab.evaluate("window.fernMarker") == "no reload"

        # 3. A syntax error, then its fix.
        saved = save('plot_history(h, title="Second title")', 'plot_history(h, title="Second title"')
        wait_until("the error at its cell", lambda: status() == "failed" and "error" in text(), 5)
        shown = text()
        assert "^" in shown and re.search(r"watched\.fernb:\d+:\d+", shown), shown[-800:]
        assert "The second version, edited while watching." in shown and "cache: reused" in shown  # cells above stay
        print(f"syntax error shown after {time.time() - saved:.2f} s")
        save('plot_history(h, title="Second title"', 'plot_history(h, title="Third title")')
        wait_until("recovery after the fix", lambda: status() == "done", 5)
        assert tab.evaluate("window.fernMarker") == "no reload"
        shot = tab.call("Page.captureScreenshot", format="png")
        with open(SCREENSHOT, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        print(f"screenshot: {SCREENSHOT}")

        # 4. The same port again, then Ctrl-C.
        second = subprocess.run([FERN, "watch", path, "--port", str(port), "--out", os.path.join(work, "out2")],
                                cwd=work, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and f"port {port}" in second.stderr and "already in use" in second.stderr, second.stderr
        print("port in use:", second.stderr.strip())
        watch.send_signal(signal.SIGINT)
        assert watch.wait(timeout=30) == 0, watch.stderr.read()
        print("watch page test: passed")
    finally:
        chromium.kill()
        if watch.poll() is None:
            watch.kill()
        shutil.rmtree(work, ignore_errors=True)


def _targets(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
            return json.load(r)
    except OSError:
        return None


if __name__ == "__main__":
    main()
