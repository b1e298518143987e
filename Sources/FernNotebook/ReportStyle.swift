/// The HTML report's style sheet and script, inline in the page so that it
/// stays one file.
extension NotebookReport {
    static let css = """
        :root { --ink: #1d2327; --muted: #62707a; --line: #dde3e8; --code: #f5f7f9; --accent: #2f6f4f; --bad: #b3261e;
                --paper: #fbfcfc; }
        * { box-sizing: border-box; }
        html { scroll-padding-top: 1rem; }
        body { margin: 0; background: var(--paper); color: var(--ink);
               font: 16px/1.6 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        .page > * { max-width: 980px; margin: 0 auto; padding: 0 1.5rem; }
        .page > header { padding-top: 2rem; }
        header h1 { margin: 0 0 .5rem; }
        .page > main { padding-bottom: 4rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
        header dl { padding-bottom: 1rem; border-bottom: 2px solid var(--accent); margin-bottom: 2rem; }
        dt { color: var(--muted); }
        dd { margin: 0; }
        dd.ok { color: var(--accent); } dd.failed { color: var(--bad); font-weight: 600; }
        .tag { font-size: .75em; background: var(--accent); color: white; border-radius: 3px; padding: 0 .3em; }
        h1, h2, h3, h4 { line-height: 1.25; }
        code, pre { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .88em; }
        :not(pre) > code { background: var(--code); padding: .1em .3em; border-radius: 3px; }
        pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem;
              overflow-x: auto; line-height: 1.45; margin: .5rem 0; }
        pre code { font-size: 1em; }
        .cell { margin: 1.5rem 0; }
        .caption { color: var(--muted); font-size: .85em; }
        .cell summary { cursor: pointer; width: fit-content; user-select: none; }
        .cell summary:hover { color: var(--ink); }
        .cell summary::marker { color: var(--accent); }
        .cell.failed summary::marker { color: var(--bad); }
        pre.source { border-left: 4px solid var(--accent); }
        pre.output { background: white; }
        pre.error { background: #fdf0ef; border-color: #f0c4c0; color: var(--bad); }
        .cell.failed pre.source { border-left-color: var(--bad); }
        .cell.interrupted pre.error { background: #fdf6e7; border-color: #ecd9a8; color: #7a5200; }
        .cache { color: var(--muted); font-size: .85em; font-style: italic; }
        figure { margin: .8rem 0; text-align: center; }
        figure img, .prose img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px;
                                 cursor: zoom-in; }
        figure img:hover, .prose img:hover { border-color: var(--accent); }
        figure img:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
        figcaption { color: var(--muted); font-size: .8em; }
        table { border-collapse: collapse; margin: .8rem 0; }
        th, td { border: 1px solid var(--line); padding: .3rem .7rem; }
        th { background: var(--code); }
        blockquote { margin: .8rem 0; padding: 0 1rem; border-left: 4px solid var(--line); color: var(--muted); }
        hr { border: none; border-top: 1px solid var(--line); }
        a { color: var(--accent); }

        .page > .contents { margin-bottom: 2rem; font-size: .9em; }
        .contents-title { display: block; color: var(--muted); text-decoration: none; text-transform: uppercase;
                          letter-spacing: .06em; font-size: .8em; font-weight: 600; margin-bottom: .4rem; }
        .contents ol { list-style: none; margin: 0 0 .8rem; padding: 0; }
        .contents li a { display: block; padding: .15rem .6rem; border-left: 2px solid var(--line); color: var(--muted);
                         text-decoration: none; line-height: 1.4; }
        .contents li a:hover { color: var(--ink); background: var(--code); }
        .contents li.depth-0 > a { color: var(--ink); font-weight: 600; }
        .contents li.depth-1 > a { padding-left: 1.2rem; }
        .contents li.depth-2 > a { padding-left: 2rem; font-size: .93em; }
        .contents li a.current { color: var(--accent); border-left-color: var(--accent); background: var(--code); }
        .contents li.failed > a { color: var(--bad); font-weight: 600; }
        .fold-all { color: var(--muted); }
        .fold-all button { font: inherit; color: var(--accent); background: white; border: 1px solid var(--line);
                           border-radius: 4px; padding: 0 .5em; cursor: pointer; }
        .fold-all button:hover { border-color: var(--accent); }
        @media (min-width: 1180px) {
            .page { display: grid; grid-template-columns: 250px minmax(0, 980px); grid-template-areas: "contents header" "contents main";
                    grid-template-rows: auto 1fr; justify-content: center; column-gap: 1rem; }
            .page > * { margin: 0; max-width: none; }
            .page > header { grid-area: header; }
            .page > main { grid-area: main; }
            .page > .contents { grid-area: contents; position: sticky; top: 0; align-self: start; max-height: 100vh;
                                overflow-y: auto; margin: 0; padding: 2.4rem 0 2rem 1rem; }
        }

        .lightbox { position: fixed; inset: 0; z-index: 10; display: flex; align-items: center; justify-content: center;
                    padding: 2vh 2vw; background: rgba(20, 24, 27, .88); cursor: zoom-out; }
        .lightbox[hidden] { display: none; }
        .lightbox img { width: min(100%, calc(96vh * var(--ratio, 1))); height: auto; background: white; border-radius: 4px;
                        box-shadow: 0 8px 40px rgba(0, 0, 0, .5); }
        @media print { .contents, .lightbox { display: none; } }
        """

    /// Opens figures and images full size in a lightbox (a click or Escape
    /// closes it), shows or hides every cell's code at once, and marks the
    /// contents entry of the section being read. Folding one cell needs no script.
    static let script = """
        (() => {
          const box = document.getElementById("lightbox"), large = box.querySelector("img");
          const zoomable = node => node instanceof HTMLImageElement && node.matches("figure img, .prose img");
          const open = image => {
            large.src = image.src;
            large.alt = image.alt;
            large.style.setProperty("--ratio", image.naturalWidth / image.naturalHeight);
            box.hidden = false;
          };
          const close = () => { box.hidden = true; large.removeAttribute("src"); };
          document.addEventListener("click", event => {
            if (!box.hidden) close(); else if (zoomable(event.target)) open(event.target);
          });
          document.addEventListener("keydown", event => {
            if (event.key === "Escape" && !box.hidden) close();
            else if (event.key === "Enter" && zoomable(event.target)) open(event.target);
          });

          const folding = document.querySelector(".fold-all");
          folding.hidden = false;
          folding.addEventListener("click", event => {
            const fold = event.target.dataset.fold;
            if (fold) for (const details of document.querySelectorAll(".cell details")) details.open = fold === "show";
          });

          const entries = [...document.querySelectorAll(".contents li a")]
            .map(link => [link, document.getElementById(decodeURIComponent(link.hash.slice(1)))])
            .filter(([, target]) => target);
          const mark = () => {
            let current = null;
            for (const entry of entries) if (entry[1].getBoundingClientRect().top < 80) current = entry;
            for (const entry of entries) entry[0].classList.toggle("current", entry === current);
          };
          addEventListener("scroll", mark, { passive: true });
          mark();
        })();
        """
}
