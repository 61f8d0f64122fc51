import Hummingbird

/// `GET /`: one self-contained page (HTML, CSS and JavaScript inline; no fonts, images or
/// scripts from anywhere else, so it works offline and under the strict CSP below). It polls
/// `/api/v1/jobs/status` every 5 s and each job's last 30 runs from `/api/v1/jobs/history`,
/// and shows per job the next fire in the job's zone with a live countdown, the last run, the
/// success rate of those runs and an inline-SVG bar chart of their durations (coloured by
/// status); then the recent runs as coloured rows. All text from the API is set with
/// `textContent`, never parsed as HTML.
///
/// It acts too (issue 12): each job card has Run now, Pause (with a note) and Resume buttons;
/// a paused badge with who, when and the note; a failing-streak badge. A recent run opens its
/// detail (`/api/v1/jobs/runs/:id`: fields, metrics, error, the output tail as text in a `pre`,
/// the other attempts of its fire). The bearer token is asked once, in the page, when an action
/// first needs it, and kept in the tab's `sessionStorage` (gone with the tab; never a cookie,
/// never in a URL). Reads then carry it too, so outputs and errors show; without it the page
/// reads anonymously (`ReadAccess`) and says so. A refused token (401) is forgotten at once.
///
/// With a PostgreSQL `STATE_DB` (issue 11) a compact "Nodes" table follows the recent runs:
/// each node's id, host, pid, version, last heartbeat, config digest, state and running runs.
/// It stays hidden while the status has no nodes (always on SQLite).
enum StatusPage {
    static let headers: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
    ]

    /// The page: markup and style, then the script (`script`, `actions`), one string.
    static let html = [markup, script, actions].joined(separator: "\n")

    /// The head, the style and the body, up to the script.
    static let markup = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>jobctl</title>
        <style>
        :root {
          --bg: #0f1419; --panel: #182029; --panel2: #1f2a35; --line: #2b3947; --text: #e6edf3; --muted: #8b9bab;
          --ok: #3fb950; --fail: #f85149; --partial: #d29922; --skip: #6e7b88; --run: #58a6ff; --accent: #58a6ff;
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header { display: flex; align-items: center; gap: 16px; padding: 14px 28px; border-bottom: 1px solid var(--line); background: var(--panel); }
        header h1 { font-size: 20px; margin: 0; letter-spacing: .5px; }
        header h1 span { color: var(--muted); font-weight: 400; font-size: 14px; margin-left: 8px; }
        #conn { margin-left: auto; color: var(--muted); font-size: 13px; display: flex; align-items: center; gap: 8px; }
        #dot { width: 9px; height: 9px; border-radius: 50%; background: var(--skip); display: inline-block; }
        #dot.live { background: var(--ok); box-shadow: 0 0 6px var(--ok); }
        #dot.down { background: var(--fail); }
        main { padding: 20px 28px 40px; max-width: 1400px; margin: 0 auto; }
        .tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 14px; margin-bottom: 22px; }
        .tile { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
        .tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; }
        .tile .value { font-size: 26px; font-weight: 600; margin-top: 2px; font-variant-numeric: tabular-nums; }
        .tile .value.ok { color: var(--ok); } .tile .value.fail { color: var(--fail); } .tile .value.run { color: var(--run); }
        .bar { height: 6px; border-radius: 3px; background: var(--panel2); margin-top: 8px; overflow: hidden; }
        .bar > div { height: 100%; background: var(--ok); }
        h2 { font-size: 15px; color: var(--muted); text-transform: uppercase; letter-spacing: .8px; margin: 26px 0 10px; font-weight: 600; }
        #jobs { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
        .job { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--skip); border-radius: 10px; padding: 14px 16px; }
        .job.succeeded { border-left-color: var(--ok); } .job.failed, .job.timed_out, .job.interrupted, .job.abandoned { border-left-color: var(--fail); }
        .job.partial { border-left-color: var(--partial); } .job.running, .job.queued { border-left-color: var(--run); }
        .job .top { display: flex; align-items: baseline; gap: 10px; }
        .job .name { font-size: 17px; font-weight: 600; }
        .job .sched { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
        .badge { margin-left: auto; font-size: 11.5px; font-weight: 600; padding: 2px 8px; border-radius: 10px; background: var(--panel2); color: var(--muted); text-transform: uppercase; letter-spacing: .4px; white-space: nowrap; }
        .badge.succeeded { color: var(--ok); background: rgba(63,185,80,.12); } .badge.failed, .badge.timed_out, .badge.interrupted, .badge.abandoned { color: var(--fail); background: rgba(248,81,73,.12); }
        .badge.partial { color: var(--partial); background: rgba(210,153,34,.12); } .badge.running, .badge.queued { color: var(--run); background: rgba(88,166,255,.14); }
        .kv { display: grid; grid-template-columns: 92px 1fr; gap: 3px 10px; margin-top: 10px; font-size: 13px; }
        .kv .k { color: var(--muted); }
        .countdown { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--accent); }
        .chart { margin-top: 10px; background: var(--panel2); border-radius: 6px; padding: 6px 8px 4px; }
        .chart .cap { display: flex; justify-content: space-between; color: var(--muted); font-size: 11px; }
        .chart svg { display: block; width: 100%; height: 56px; }
        table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
        th, td { text-align: left; padding: 7px 12px; font-size: 13px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .5px; background: var(--panel2); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.summary { white-space: normal; color: var(--muted); max-width: 420px; }
        tr.run td:first-child { border-left: 4px solid var(--skip); }
        tr.run.succeeded { background: rgba(63,185,80,.07); } tr.run.succeeded td:first-child { border-left-color: var(--ok); }
        tr.run.failed, tr.run.timed_out, tr.run.interrupted, tr.run.abandoned { background: rgba(248,81,73,.09); }
        tr.run.failed td:first-child, tr.run.timed_out td:first-child, tr.run.interrupted td:first-child, tr.run.abandoned td:first-child { border-left-color: var(--fail); }
        tr.run.partial { background: rgba(210,153,34,.09); } tr.run.partial td:first-child { border-left-color: var(--partial); }
        tr.run.running, tr.run.queued { background: rgba(88,166,255,.09); } tr.run.running td:first-child, tr.run.queued td:first-child { border-left-color: var(--run); }
        tr.run.skipped { color: var(--muted); }
        .st { font-weight: 600; }
        tr.succeeded .st { color: var(--ok); } tr.failed .st, tr.timed_out .st, tr.interrupted .st, tr.abandoned .st { color: var(--fail); }
        tr.partial .st { color: var(--partial); } tr.running .st, tr.queued .st { color: var(--run); }
        .empty { color: var(--muted); padding: 18px; text-align: center; }
        #warnings div { background: rgba(210,153,34,.12); border: 1px solid var(--partial); color: var(--text);
          padding: 8px 14px; border-radius: 8px; margin-bottom: 14px; }
        #error { display: none; background: rgba(248,81,73,.12); border: 1px solid var(--fail); color: var(--text); padding: 8px 14px; border-radius: 8px; margin-bottom: 14px; }
        footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
        .badges { margin-left: auto; display: flex; gap: 6px; align-items: center; }
        .badges .badge { margin-left: 0; }
        .badge.paused { color: var(--partial); background: rgba(210,153,34,.18); }
        .badge.streak { color: var(--fail); background: rgba(248,81,73,.16); }
        .job.paused { border-left-color: var(--partial); }
        .pausenote { margin-top: 8px; font-size: 12.5px; color: var(--text); background: rgba(210,153,34,.10); border: 1px solid rgba(210,153,34,.35); border-radius: 6px; padding: 5px 9px; }
        .actions { display: flex; gap: 8px; margin-top: 10px; }
        button { font: inherit; font-size: 12.5px; color: var(--text); background: var(--panel2); border: 1px solid var(--line); border-radius: 6px; padding: 4px 11px; cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button.primary { background: var(--accent); border-color: var(--accent); color: #0b1520; font-weight: 600; }
        button.warn { color: var(--partial); }
        #auth { font-size: 12px; }
        #flash { display: none; background: rgba(88,166,255,.12); border: 1px solid var(--accent); padding: 8px 14px; border-radius: 8px; margin-bottom: 14px; }
        #flash.bad { background: rgba(248,81,73,.12); border-color: var(--fail); }
        tr.run { cursor: pointer; } tr.run:hover td { background: rgba(88,166,255,.08); }
        #modal { display: none; position: fixed; inset: 0; background: rgba(5,8,12,.72); z-index: 10; align-items: flex-start; justify-content: center; padding: 6vh 20px; overflow: auto; }
        #modal.open { display: flex; }
        #dialog { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 18px 22px; width: min(860px, 100%); }
        #dialog h3 { margin: 0 0 12px; font-size: 17px; }
        #dialog input { font: inherit; width: 100%; background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 7px 10px; margin: 6px 0 12px; }
        #dialog .row { display: flex; gap: 8px; justify-content: flex-end; }
        #dialog .hint { color: var(--muted); font-size: 12.5px; }
        pre.out { white-space: pre-wrap; word-break: break-word; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; max-height: 340px; overflow: auto; font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; margin: 4px 0 12px; }
        tr.node.live .st { color: var(--ok); } tr.node.silent .st { color: var(--partial); } tr.node.stopped { color: var(--muted); }
        .section { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .6px; margin-top: 10px; }
        </style>
        </head>
        <body>
        <header>
          <h1>jobctl<span>scheduler status</span></h1>
          <div id="conn"><span id="dot"></span><span id="conntext">connecting…</span>
            <button id="auth" type="button" data-action="auth">Enter token</button></div>
        </header>
        <main>
          <noscript><p>This page needs JavaScript; the same data is at <a href="/api/v1/jobs/status">/api/v1/jobs/status</a>.</p></noscript>
          <div id="error"></div>
          <div id="flash" role="status"></div>
          <div id="warnings"></div>
          <section class="tiles">
            <div class="tile"><div class="label">Success rate</div><div class="value ok" id="rate">–</div><div class="bar"><div id="ratebar" style="width:0"></div></div></div>
            <div class="tile"><div class="label">Executions</div><div class="value" id="total">–</div></div>
            <div class="tile"><div class="label">Succeeded</div><div class="value ok" id="okcount">–</div></div>
            <div class="tile"><div class="label">Failed</div><div class="value fail" id="failcount">–</div></div>
            <div class="tile"><div class="label">Running now</div><div class="value run" id="runningcount">–</div></div>
          </section>
          <h2>Jobs</h2>
          <section id="jobs"><div class="empty">loading…</div></section>
          <h2>Recent runs</h2>
          <table>
            <thead><tr><th>Started</th><th>Job</th><th>Status</th><th>Duration</th><th>Trigger</th><th>Run</th><th>Summary</th></tr></thead>
            <tbody id="runs"><tr><td colspan="7" class="empty">loading…</td></tr></tbody>
          </table>
          <section id="nodesbox" hidden>
            <h2>Nodes</h2>
            <table>
              <thead><tr><th>Node</th><th>Host</th><th>PID</th><th>Version</th><th>Heartbeat</th><th>Config</th><th>State</th><th>Running</th></tr></thead>
              <tbody id="nodes"></tbody>
            </table>
          </section>
          <footer>Refreshes every 5 s from <code>/api/v1/jobs/status</code> and <code>/api/v1/jobs/history</code>. Times are in each job's zone; countdowns use this computer's clock. Click a run for its detail. The API token is kept in this tab only (sessionStorage).</footer>
        </main>
        <div id="modal"><div id="dialog" role="dialog" aria-modal="true"></div></div>
        """#
}
