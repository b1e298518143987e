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
import os, re, shutil, signal, subprocess, sys, tempfile, time

from devtools import free_port, headless_chromium, screenshot, wait_until

FERN = os.path.abspath(sys.argv[1])
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


def main():
    work = tempfile.mkdtemp(prefix="fern-watch-test-")
    path = os.path.join(work, "watched.fernb")
    with open(path, "w") as f:
        f.write(NOTEBOOK)
    port = free_port()
    watch = subprocess.Popen([FERN, "watch", path, "--port", str(port), "--out", os.path.join(work, "out")],
                             cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = watch.stdout.readline()
    assert f"http://127.0.0.1:{port}/" in first, first
    try:
        with headless_chromium(work) as tab:
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
            # The status bar hears "failed" before the page has fetched the new report: wait for the
            # report itself (the error's location and caret at its cell), not only the bar.
            located = lambda shown: "^" in shown and re.search(r"watched\.fernb:\d+:\d+", shown)
            try:
                wait_until("the error at its cell", lambda: status() == "failed" and located(text()), 5)
            except Exception:
                print(text()[-800:], file=sys.stderr)
                raise
            shown = text()
            assert "The second version, edited while watching." in shown and "cache: reused" in shown  # cells above stay
            print(f"syntax error shown after {time.time() - saved:.2f} s")
            save('plot_history(h, title="Second title"', 'plot_history(h, title="Third title")')
            wait_until("recovery after the fix", lambda: status() == "done" and 'title="Third title"' in text(), 5)
            assert tab.evaluate("window.fernMarker") == "no reload"
            screenshot(tab, SCREENSHOT)
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
        if watch.poll() is None:
            watch.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
