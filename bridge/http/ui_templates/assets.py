"""The page's CSS and its one script, inline under a per-response CSP nonce (no build step, no
second request, nothing from another origin).

The script keeps one inbox's timeline live: an ``EventSource`` on the API's SSE endpoint (the
session cookie goes with it, same origin; ``from=now``, since the page already shows the rest),
and on any event it re-fetches the server-rendered rows, so escaping and masking happen in one
place, on the server. It never reads an event's data.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CSS", "LIVE_JS"]

CSS: Final = """
:root{--fg:#1f2328;--mute:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;
--warn:#9a6700;--acc:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg)}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#24292f;color:#fff}
header a{color:#fff;text-decoration:none;font-weight:600}
header form{margin-left:auto}
header button{background:none;border:1px solid #8c959f;color:#fff;border-radius:6px;
padding:.2rem .7rem}
main{padding:1rem 1.2rem;max-width:90rem}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}
h2{font-size:1.05rem;margin:1.2rem 0 .5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
th{background:var(--bg);font-weight:600;font-size:.85rem;color:var(--mute)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.mute{color:var(--mute)}
.small{font-size:.82rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.8rem;font-weight:600;
border:1px solid currentColor}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0 0 1rem}
.facts dt{color:var(--mute)}.facts dd{margin:0}
.reasons{margin:.2rem 0 0;padding-left:1.1rem;color:var(--mute);font-size:.82rem}
.subject{max-width:28rem;overflow-wrap:anywhere}
#live{font-size:.82rem;color:var(--mute)}
.login{max-width:24rem;margin:4rem auto;display:grid;gap:.6rem}
.login input{padding:.5rem;font-size:1rem;border:1px solid var(--line);border-radius:6px}
.login button{padding:.55rem;font-size:1rem;background:var(--ok);color:#fff;border:0;
border-radius:6px}
.error{color:var(--bad)}
a{color:var(--acc)}
"""

LIVE_JS: Final = """
(function () {
  "use strict";
  var box = document.getElementById("timeline");
  var live = document.getElementById("live");
  if (!box || !window.EventSource) { return; }
  var busy = false, again = false;
  function say(text) { if (live) { live.textContent = text; } }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(box.getAttribute("data-rows"), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (html) {
        box.innerHTML = html;
        say("live \\u00b7 updated " + new Date().toLocaleTimeString());
      })
      .catch(function (err) { say("live \\u00b7 refresh failed (" + err.message + ")"); })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var source = new EventSource(box.getAttribute("data-events"), {withCredentials: true});
  ["received", "extracted", "failed", "dropped", "message"].forEach(function (type) {
    source.addEventListener(type, refresh);
  });
  var down = false;
  source.onopen = function () {
    say("live \\u00b7 connected");
    if (down) { down = false; refresh(); }  // catch up on what came while disconnected
  };
  source.onerror = function () { down = true; say("live \\u00b7 reconnecting\\u2026"); };
  source.addEventListener("deleted", function () {
    source.close();
    say("this inbox was deleted");
  });
})();
"""
