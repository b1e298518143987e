/// What `fern watch` adds to the report page: a status bar (which cell runs, `fit`'s epochs)
/// and a script that listens to /events and, on a new report, swaps the page's body in place,
/// keeping the scroll position and re-running the report's own scripts. No reload.
enum LiveScript {
    static let head = """
        <style>
        #fern-live{position:fixed;right:12px;bottom:12px;z-index:1000;max-width:min(560px,90vw);padding:8px 12px;
          border-radius:8px;background:#1f2937;color:#f9fafb;font:13px/1.4 system-ui,sans-serif;box-shadow:0 2px 10px #0004}
        #fern-live.done{background:#065f46}#fern-live.failed{background:#991b1b}#fern-live.stopped,#fern-live.waiting{background:#92400e}
        #fern-live .bar{height:4px;margin-top:6px;background:#ffffff33;border-radius:2px;overflow:hidden}
        #fern-live .bar span{display:block;height:100%;background:#34d399;transition:width .3s}
        #fern-live .line{font-family:ui-monospace,monospace;font-size:12px;opacity:.85;white-space:pre-wrap}
        </style>
        """

    static let body = """
        <div id="fern-live" aria-live="polite">connecting…</div>
        <script>
        (function () {
          var bar = document.getElementById('fern-live');
          var shown = __FERN_REPORT_VERSION__;
          function text(s) { return String(s).replace(/[&<>]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]; }); }
          function showStatus(s) {
            bar.className = s.state;
            var head = s.state === 'running' ? ('running' + (s.cell ? ' cell ' + s.cell + (s.title ? ': ' + s.title : '') : ''))
                     : s.state === 'done' ? 'up to date' : s.state;
            var html = '<b>' + text(head) + '</b>';
            if (s.message) html += ' — ' + text(s.message);
            if (s.state === 'running' && s.progress) html += '<div class="line">' + text(s.progress) + '</div>';
            if (s.state === 'running' && s.epochs) html += '<div class="bar"><span style="width:' + (100 * s.epoch / s.epochs) + '%"></span></div>';
            bar.innerHTML = html;
          }
          function swap(version) {
            if (version <= shown) return;
            fetch('/report', {cache: 'no-store'}).then(function (r) { return r.text(); }).then(function (html) {
              var page = new DOMParser().parseFromString(html, 'text/html');
              var x = window.scrollX, y = window.scrollY;
              document.title = page.title;
              var keep = bar;
              document.body.innerHTML = page.body.innerHTML;
              var old = document.getElementById('fern-live');
              if (old) old.replaceWith(keep); else document.body.appendChild(keep);
              bar = keep;
              document.body.querySelectorAll('script').forEach(function (s) {
                if (s.textContent.indexOf('fern-live') >= 0) return;
                var run = document.createElement('script');
                run.textContent = s.textContent;
                s.replaceWith(run);
              });
              window.scrollTo(x, y);
              shown = version;
              document.body.setAttribute('data-report-version', String(version));
            });
          }
          var events = new EventSource('/events');
          events.addEventListener('report', function (e) { swap(parseInt(e.data, 10)); });
          events.addEventListener('status', function (e) { showStatus(JSON.parse(e.data)); });
          events.onerror = function () { bar.className = 'stopped'; bar.innerHTML = '<b>disconnected</b> — is fern watch still running?'; };
        })();
        </script>
        """
}
