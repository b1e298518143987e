#!/usr/bin/env python3
"""The .ipynb export, checked by Jupyter's own tools and a real browser.

1. `fern run notebooks/hw3.fernb --ipynb` on a small synthetic setting writes hw3.ipynb;
   nbformat.validate accepts it, and it holds every figure of the run as image/png.
2. `jupyter nbconvert --to html` renders it; headless Chromium loads the page and every
   figure decodes (an <img> with its natural size). A full-page screenshot goes to
   $IPYNB_SCREENSHOT (default /tmp/fern-ipynb.png).
3. `fern export notebooks/hw3.fernb --to ipynb` (no outputs) validates too.

usage: ipynb_test.py FERN_BINARY     (needs nbformat and nbconvert, and Debian's chromium)
"""
import glob, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Browser"))
from devtools import headless_chromium, screenshot, wait_until  # noqa: E402

import nbformat  # noqa: E402

FERN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCREENSHOT = os.environ.get("IPYNB_SCREENSHOT", "/tmp/fern-ipynb.png")


def figures(notebook):
    return [output for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "display_data" and "image/png" in output.data]


def main():
    work = tempfile.mkdtemp(prefix="fern-ipynb-test-")
    try:
        out = os.path.join(work, "out")
        subprocess.run([FERN, "run", os.path.join(ROOT, "notebooks/hw3.fernb"), "--ipynb", "--out", out,
                        "-p", "faces=420", "-p", "epochs=1", "-p", "dnn_epochs=1", "-p", "batch=32",
                        "-p", f"checkpoints={work}/runs"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        path = os.path.join(out, "hw3.ipynb")
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        pngs = sorted(glob.glob(os.path.join(out, "*.png")))
        shown = figures(notebook)
        assert len(shown) == len(pngs) >= 16, (len(shown), len(pngs))
        sections = [cell.source.splitlines()[0] for cell in notebook.cells if cell.cell_type == "markdown" and cell.source.startswith("## ")]
        assert len(sections) == 7, sections
        assert any(cell.metadata.get("tags") == ["parameters"] for cell in notebook.cells)
        print(f"nbformat.validate: passed ({len(notebook.cells)} cells, {len(shown)} figures)")

        subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", work, path],
                       check=True, capture_output=True)
        html_path = os.path.join(work, "hw3.html")
        with open(html_path) as f:
            html = f.read()
        embedded = len(re.findall(r'<img[^>]+src="data:image/png;base64,', html))
        assert embedded == len(shown), (embedded, len(shown))
        with headless_chromium(work, window="1100,900") as tab:
            tab.call("Page.navigate", url="file://" + html_path)
            wait_until("the page has loaded", lambda: tab.evaluate("document.readyState") == "complete", 60)
            decoded = tab.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth >= 300).length")
            assert decoded == len(shown), (decoded, len(shown))
            text = tab.evaluate("document.body.innerText")
            for words in ["Image Sentiment Classification", "CNN validation accuracy:", "averaging over ten crops"]:
                assert words in text, words
            screenshot(tab, SCREENSHOT, full_page=True)
        print(f"nbconvert --to html: every figure shown in Chromium ({decoded} images); screenshot: {SCREENSHOT}")

        bare = os.path.join(work, "bare.ipynb")
        subprocess.run([FERN, "export", os.path.join(ROOT, "notebooks/hw3.fernb"), "--to", "ipynb", "-o", bare],
                       check=True, stdout=subprocess.DEVNULL)
        empty = nbformat.read(bare, as_version=4)
        nbformat.validate(empty)
        assert not figures(empty) and all(c.execution_count is None for c in empty.cells if c.cell_type == "code")
        print("fern export --to ipynb: valid, no outputs")
        print("ipynb test: passed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
