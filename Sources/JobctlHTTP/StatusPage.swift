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
enum StatusPage {
    static let headers: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
    ]

    static let html = #"""
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
        .job.partial { border-left-color: var(--partial); } .job.running { border-left-color: var(--run); }
        .job .top { display: flex; align-items: baseline; gap: 10px; }
        .job .name { font-size: 17px; font-weight: 600; }
        .job .sched { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
        .badge { margin-left: auto; font-size: 11.5px; font-weight: 600; padding: 2px 8px; border-radius: 10px; background: var(--panel2); color: var(--muted); text-transform: uppercase; letter-spacing: .4px; white-space: nowrap; }
        .badge.succeeded { color: var(--ok); background: rgba(63,185,80,.12); } .badge.failed, .badge.timed_out, .badge.interrupted, .badge.abandoned { color: var(--fail); background: rgba(248,81,73,.12); }
        .badge.partial { color: var(--partial); background: rgba(210,153,34,.12); } .badge.running { color: var(--run); background: rgba(88,166,255,.14); }
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
        tr.run.running { background: rgba(88,166,255,.09); } tr.run.running td:first-child { border-left-color: var(--run); }
        tr.run.skipped { color: var(--muted); }
        .st { font-weight: 600; }
        tr.succeeded .st { color: var(--ok); } tr.failed .st, tr.timed_out .st, tr.interrupted .st, tr.abandoned .st { color: var(--fail); }
        tr.partial .st { color: var(--partial); } tr.running .st { color: var(--run); }
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
          <footer>Refreshes every 5 s from <code>/api/v1/jobs/status</code> and <code>/api/v1/jobs/history</code>. Times are in each job's zone; countdowns use this computer's clock. Click a run for its detail. The API token is kept in this tab only (sessionStorage).</footer>
        </main>
        <div id="modal"><div id="dialog" role="dialog" aria-modal="true"></div></div>
        <script>
        "use strict";
        const REFRESH_MS = 5000, CHART_RUNS = 30;
        const COLORS = { succeeded: "#3fb950", failed: "#f85149", timed_out: "#f85149", interrupted: "#f85149", abandoned: "#f85149", partial: "#d29922", skipped: "#6e7b88", running: "#58a6ff" };
        let state = { jobs: [], histories: {} };

        function el(tag, attrs, text) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          if (text !== undefined && text !== null) e.textContent = String(text);
          return e;
        }
        function duration(ms) {
          if (ms === null || ms === undefined) return "–";
          if (ms < 1000) return Math.max(0, ms) + " ms";
          if (ms < 59950) return (ms / 1000).toFixed(1) + " s";
          const s = Math.round(ms / 1000);
          if (s < 3600) return Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s";
          const m = Math.round(s / 60);
          return Math.floor(m / 60) + "h " + String(m % 60).padStart(2, "0") + "m";
        }
        function countdown(ms) {
          if (ms <= 0) return "due now";
          let s = Math.floor(ms / 1000);
          const d = Math.floor(s / 86400); s -= d * 86400;
          const h = Math.floor(s / 3600); s -= h * 3600;
          const m = Math.floor(s / 60); s -= m * 60;
          const pad = (n) => String(n).padStart(2, "0");
          return "in " + (d ? d + "d " : "") + (d || h ? pad(h) + "h " : "") + pad(m) + "m " + pad(s) + "s";
        }
        function ago(iso) {
          if (!iso) return "";
          const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
          if (s < 5) return "just now";
          if (s < 60) return s + " s ago";
          if (s < 3600) return Math.floor(s / 60) + " min ago";
          if (s < 86400) return Math.floor(s / 3600) + " h ago";
          return Math.floor(s / 86400) + " d ago";
        }
        function inZone(iso, zone) {
          if (!iso) return "–";
          const d = new Date(iso);
          try {
            return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short" }).format(d).replace(",", "");
          } catch (e) {
            return d.toISOString().replace(".000Z", "Z");
          }
        }
        function summary(run) {
          if (run.error) return run.error.split("\n")[0];
          if (run.metrics) {
            const parts = [run.metrics.processed + " processed"];
            for (const k of ["created", "updated", "skipped"]) if (run.metrics[k]) parts.push(run.metrics[k] + " " + k);
            return parts.join(" · ");
          }
          if (run.output) return run.output.trim().split("\n").slice(-1)[0];
          return "";
        }
        function trigger(run) {
          return run.triggeredBy + (run.triggeredBy === "manual" && run.user ? " (" + run.user + ")" : "") + (run.attempt > 1 ? " #" + run.attempt : "");
        }
        function zoneOf(job) {
          const j = state.jobs.find((x) => x.name === job);
          return j ? j.timezone : "UTC";
        }

        function chart(runs) {
          const NS = "http://www.w3.org/2000/svg";
          const W = 300, H = 56, gap = 2;
          const svg = document.createElementNS(NS, "svg");
          svg.setAttribute("viewBox", "0 0 " + W + " " + H);
          svg.setAttribute("preserveAspectRatio", "none");
          svg.setAttribute("role", "img");
          const timed = runs.filter((r) => r.durationMs !== null).slice(0, CHART_RUNS).reverse();
          const max = Math.max(1, ...timed.map((r) => r.durationMs));
          const bw = (W - gap * (CHART_RUNS - 1)) / CHART_RUNS;
          timed.forEach((r, i) => {
            const h = Math.max(2, Math.round((r.durationMs / max) * (H - 4)));
            const rect = document.createElementNS(NS, "rect");
            rect.setAttribute("x", (W - timed.length * (bw + gap) + gap + i * (bw + gap)).toFixed(1));
            rect.setAttribute("y", String(H - h));
            rect.setAttribute("width", bw.toFixed(1));
            rect.setAttribute("height", String(h));
            rect.setAttribute("rx", "1.5");
            rect.setAttribute("fill", COLORS[r.status] || COLORS.skipped);
            const t = document.createElementNS(NS, "title");
            t.textContent = "run " + r.id + " · " + r.status + " · " + duration(r.durationMs) + " · " + r.startedAt;
            rect.appendChild(t);
            svg.appendChild(rect);
          });
          if (timed.length === 0) {
            const t = document.createElementNS(NS, "text");
            t.setAttribute("x", String(W / 2)); t.setAttribute("y", String(H / 2 + 4));
            t.setAttribute("text-anchor", "middle"); t.setAttribute("fill", "#8b9bab"); t.setAttribute("font-size", "11");
            t.textContent = "no finished runs yet";
            svg.appendChild(t);
          }
          const box = el("div", { class: "chart" });
          const cap = el("div", { class: "cap" });
          cap.appendChild(el("span", {}, "duration, last " + timed.length + " run" + (timed.length === 1 ? "" : "s")));
          cap.appendChild(el("span", {}, timed.length ? "max " + duration(max) : ""));
          box.appendChild(cap);
          box.appendChild(svg);
          return box;
        }

        function renderJobs() {
          const root = document.getElementById("jobs");
          root.replaceChildren();
          if (state.jobs.length === 0) { root.appendChild(el("div", { class: "empty" }, "no jobs in the config")); return; }
          for (const job of state.jobs) {
            const runs = state.histories[job.name] || [];
            const last = job.lastRun;
            const shown = job.running ? "running" : last ? last.status : "never run";
            const card = el("article", { class: "job " + (job.paused ? "paused" : shown.replace(" ", "_")), "data-job": job.name });
            const top = el("div", { class: "top" });
            top.appendChild(el("span", { class: "name" }, job.name));
            top.appendChild(el("span", { class: "sched" }, job.schedule));
            const badges = el("span", { class: "badges" });
            if (job.paused) badges.appendChild(el("span", { class: "badge paused", "data-badge": "paused", title: job.paused.note || "" }, "paused"));
            if (job.consecutiveFailures > 0) badges.appendChild(el("span", { class: "badge streak", "data-badge": "streak" }, "failing ×" + job.consecutiveFailures));
            badges.appendChild(el("span", { class: "badge " + shown.replace(" ", "_") }, shown.replace("_", " ")));
            top.appendChild(badges);
            card.appendChild(top);
            if (job.paused) {
              const p = job.paused;
              card.appendChild(el("div", { class: "pausenote", "data-pause-note": job.name }, "Paused by " + p.by + " · " + ago(p.at) + (p.note ? " — " + p.note : "") + ". Its fires are recorded skipped."));
            }
            const kv = el("div", { class: "kv" });
            const add = (k, v, cls) => { kv.appendChild(el("span", { class: "k" }, k)); const e = el("span", cls ? { class: cls } : {}, v); kv.appendChild(e); return e; };
            add("Zone", job.timezone);
            if (job.nextFire) {
              add("Next fire", inZone(job.nextFire, job.timezone) + (job.paused ? " · skipped while paused" : ""));
              const c = add("Countdown", countdown(Date.parse(job.nextFire) - Date.now()), "countdown");
              c.dataset.next = job.nextFire;
            } else {
              add("Next fire", job.schedule === "@reboot" ? "at scheduler start" : "none planned");
            }
            if (last) add("Last run", last.status.replace("_", " ") + " · " + duration(last.durationMs) + " · " + ago(last.startedAt));
            else add("Last run", "never");
            const finished = runs.filter((r) => ["succeeded", "failed", "timed_out", "interrupted", "abandoned", "partial"].includes(r.status));
            const ok = finished.filter((r) => r.status === "succeeded").length;
            add("Success", finished.length ? Math.round((ok / finished.length) * 1000) / 10 + "% of last " + finished.length : "–");
            card.appendChild(kv);
            card.appendChild(chart(runs));
            const actions = el("div", { class: "actions" });
            actions.appendChild(el("button", { type: "button", "data-action": "trigger", "data-job": job.name }, "Run now"));
            if (job.paused) actions.appendChild(el("button", { type: "button", class: "warn", "data-action": "resume", "data-job": job.name }, "Resume"));
            else actions.appendChild(el("button", { type: "button", "data-action": "pause", "data-job": job.name }, "Pause…"));
            card.appendChild(actions);
            root.appendChild(card);
          }
        }

        function renderRuns(runs) {
          const body = document.getElementById("runs");
          body.replaceChildren();
          if (runs.length === 0) { const tr = el("tr"); tr.appendChild(el("td", { colspan: "7", class: "empty" }, "no runs yet")); body.appendChild(tr); return; }
          for (const r of runs) {
            const tr = el("tr", { class: "run " + r.status, "data-run": String(r.id), tabindex: "0", title: "open run #" + r.id });
            tr.appendChild(el("td", {}, inZone(r.startedAt, zoneOf(r.job))));
            tr.appendChild(el("td", {}, r.job));
            tr.appendChild(el("td", { class: "st" }, r.status.replace("_", " ")));
            tr.appendChild(el("td", { class: "num" }, duration(r.durationMs)));
            tr.appendChild(el("td", {}, trigger(r)));
            tr.appendChild(el("td", { class: "num" }, "#" + r.id));
            tr.appendChild(el("td", { class: "summary" }, summary(r)));
            body.appendChild(tr);
          }
        }

        function renderStats(s, jobs) {
          document.getElementById("rate").textContent = s.successRate === null ? "–" : (Math.round(s.successRate * 1000) / 10) + "%";
          document.getElementById("ratebar").style.width = s.successRate === null ? "0" : (s.successRate * 100) + "%";
          document.getElementById("total").textContent = s.totalExecutions;
          document.getElementById("okcount").textContent = s.successfulExecutions;
          document.getElementById("failcount").textContent = s.failedExecutions;
          document.getElementById("runningcount").textContent = jobs.filter((j) => j.running).length;
        }

        // Idle money jobs (issue 15): a warning, not an error.
        function renderWarnings(warnings) {
          const root = document.getElementById("warnings");
          root.replaceChildren();
          for (const w of warnings || []) {
            root.appendChild(el("div", { class: "warning", "data-job": w.job }, "Warning: " + w.message));
          }
        }

        function tick() {
          for (const c of document.querySelectorAll(".countdown")) c.textContent = countdown(Date.parse(c.dataset.next) - Date.now());
        }

        function connection(ok, text) {
          document.getElementById("dot").className = ok ? "live" : "down";
          document.getElementById("conntext").textContent = text;
          const e = document.getElementById("error");
          e.style.display = ok ? "none" : "block";
          if (!ok) e.textContent = "Cannot reach the scheduler (" + text + "); showing the last data. Retrying every 5 s.";
        }

        // The API token: asked once, kept in this tab's sessionStorage (never a cookie or a URL).
        const TOKEN_KEY = "jobctl.token";
        function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
        function setToken(t) { sessionStorage.setItem(TOKEN_KEY, t); renderAuth(); }
        function forgetToken() { sessionStorage.removeItem(TOKEN_KEY); renderAuth(); }
        function renderAuth() {
          document.getElementById("auth").textContent = token() ? "Forget token" : "Enter token";
        }

        async function api(method, url, body) {
          const headers = {};
          const t = token();
          if (t) headers.Authorization = "Bearer " + t;
          const init = { method: method, cache: "no-store", headers: headers };
          if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
          const response = await fetch(url, init);
          let answer = null;
          try { answer = await response.json(); } catch (e) { answer = null; }
          if (!response.ok || !answer || !answer.success) {
            const error = new Error((answer && answer.error) || ("HTTP " + response.status));
            error.status = response.status;
            // A refused token is forgotten at once: the next action asks for it again.
            if (response.status === 401 && t) { forgetToken(); error.tokenRefused = true; }
            throw error;
          }
          return answer.data;
        }

        // A read; after a refused token, once more without it.
        async function getJSON(url) {
          try { return await api("GET", url); } catch (e) {
            if (!e.tokenRefused) throw e;
            flash("The API token was refused and is forgotten; reading without it.", true);
            return await api("GET", url);
          }
        }

        let flashTimer = null;
        function flash(text, bad) {
          const f = document.getElementById("flash");
          f.textContent = text;
          f.className = bad ? "bad" : "";
          f.style.display = "block";
          clearTimeout(flashTimer);
          flashTimer = setTimeout(() => { f.style.display = "none"; }, 20000);
        }

        // The dialog: the token, a pause's note, a run's detail. Built with textContent only.
        function openDialog(title, build) {
          const d = document.getElementById("dialog");
          d.replaceChildren();
          delete d.dataset.run;
          d.appendChild(el("h3", {}, title));
          build(d);
          document.getElementById("modal").className = "open";
        }
        function closeDialog() { document.getElementById("modal").className = ""; }
        function buttons(d, list) {
          const row = el("div", { class: "row" });
          for (const [label, handler, cls, id] of list) {
            const b = el("button", Object.assign({ type: "button" }, cls ? { class: cls } : {}, id ? { id: id } : {}), label);
            b.addEventListener("click", handler);
            row.appendChild(b);
          }
          d.appendChild(row);
        }
        function askToken(then) {
          openDialog("API token", (d) => {
            d.appendChild(el("p", { class: "hint" }, "The bearer token of the API (HTTP_TOKEN_FILE). It stays in this tab's session storage and is sent with each request; closing the tab forgets it."));
            const input = el("input", { type: "password", id: "token-input", autocomplete: "off", placeholder: "token" });
            d.appendChild(input);
            const save = () => { const v = input.value.trim(); if (!v) return; setToken(v); closeDialog(); if (then) then(); else refresh(); };
            input.addEventListener("keydown", (e) => { if (e.key === "Enter") save(); });
            buttons(d, [["Cancel", closeDialog], ["Use token", save, "primary", "token-save"]]);
            input.focus();
          });
        }
        function withToken(then) { if (token()) then(); else askToken(then); }

        async function act(job, action, body) {
          try {
            const data = await api("POST", "/api/v1/jobs/" + action + "/" + encodeURIComponent(job), body);
            flash(action === "trigger"
              ? "Run #" + data.runId + " of " + job + " started." + (data.warning ? " Warning: " + data.warning : "")
              : data.message, false);
          } catch (e) {
            flash(e.tokenRefused
              ? "The API token was refused and is forgotten: " + action + " of " + job + " was not done. Enter it again."
              : action + " " + job + ": " + e.message, true);
          }
          refresh();
        }
        function askPause(job) {
          openDialog("Pause " + job, (d) => {
            d.appendChild(el("p", { class: "hint" }, "Its fires are recorded skipped until it is resumed, on every scheduler of this database. Run now still runs it."));
            const input = el("input", { type: "text", id: "note-input", maxlength: "500", placeholder: "why (optional, one line)" });
            d.appendChild(input);
            const go = () => { const note = input.value.trim(); closeDialog(); act(job, "pause", note ? { note: note } : {}); };
            input.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
            buttons(d, [["Cancel", closeDialog], ["Pause", go, "primary", "pause-confirm"]]);
            input.focus();
          });
        }

        function usdc(micro) {
          const negative = micro < 0, v = Math.abs(micro);
          let frac = String(v % 1000000).padStart(6, "0").replace(/0+$/, "");
          while (frac.length < 2) frac += "0";
          return (negative ? "-" : "") + Math.floor(v / 1000000) + "." + frac;
        }
        function isMoney(name) { return name.endsWith("_micro_usdc") || name === "payout_total" || name.endsWith("_payout_total"); }

        async function openRun(id) {
          let run;
          try { run = await getJSON("/api/v1/jobs/runs/" + encodeURIComponent(id)); } catch (e) { flash("Run #" + id + ": " + e.message, true); return; }
          const zone = zoneOf(run.job);
          openDialog("Run #" + run.id + " · " + run.job + " · " + run.status.replace("_", " "), (d) => {
            d.dataset.run = String(run.id);
            const kv = el("div", { class: "kv" });
            const add = (k, v) => { kv.appendChild(el("span", { class: "k" }, k)); kv.appendChild(el("span", { "data-field": k }, v)); };
            add("Status", run.status.replace("_", " "));
            add("Trigger", trigger(run));
            add("Attempt", run.attempt);
            add("Scheduled", run.scheduledFor ? inZone(run.scheduledFor, zone) : "– (manual run)");
            add("Started", inZone(run.startedAt, zone));
            add("Finished", run.finishedAt ? inZone(run.finishedAt, zone) : "–");
            add("Duration", duration(run.durationMs));
            add("Lateness", duration(run.latenessMs));
            add("Host", run.host + " · pid " + run.pid);
            d.appendChild(kv);
            if (run.metrics) {
              d.appendChild(el("div", { class: "section" }, "Metrics"));
              const m = el("div", { class: "kv" });
              const rows = [["processed", run.metrics.processed], ["created", run.metrics.created], ["updated", run.metrics.updated], ["skipped", run.metrics.skipped]];
              for (const [k, v] of Object.entries(run.metrics.counters || {}).sort()) rows.push([k, isMoney(k) ? usdc(v) + " USDC (" + v + " micro-USDC)" : v]);
              for (const [k, v] of rows) { m.appendChild(el("span", { class: "k" }, k)); m.appendChild(el("span", {}, v)); }
              d.appendChild(m);
            }
            const hidden = run.redacted ? "hidden: it needs the API token" : "none";
            d.appendChild(el("div", { class: "section" }, "Error"));
            d.appendChild(el("pre", { class: "out", id: "run-error" }, run.error === null ? hidden : run.error));
            d.appendChild(el("div", { class: "section" }, "Output (the last 4 KiB recorded)"));
            d.appendChild(el("pre", { class: "out", id: "run-output" }, run.output === null ? hidden : run.output));
            if (run.scheduledFor) {
              d.appendChild(el("div", { class: "section" }, "Other attempts of this fire"));
              const list = el("div", { class: "actions" });
              for (const o of run.otherAttempts) {
                const b = el("button", { type: "button", "data-open-run": String(o.id) }, "#" + o.id + " · attempt " + o.attempt + " · " + o.triggeredBy + " · " + o.status.replace("_", " "));
                b.addEventListener("click", () => openRun(o.id));
                list.appendChild(b);
              }
              if (run.otherAttempts.length === 0) list.appendChild(el("span", { class: "hint" }, "none"));
              d.appendChild(list);
            }
            const actions = [["Close", closeDialog, "primary", "run-close"]];
            if (run.redacted) actions.unshift(["Enter token", () => askToken(() => openRun(run.id))]);
            buttons(d, actions);
          });
        }

        document.addEventListener("click", (e) => {
          const target = e.target instanceof Element ? e.target : null;
          if (!target) return;
          if (target.id === "modal") { closeDialog(); return; }
          const b = target.closest("[data-action]");
          if (b) {
            const job = b.dataset.job, action = b.dataset.action;
            if (action === "auth") { if (token()) { forgetToken(); flash("Token forgotten.", false); refresh(); } else askToken(null); }
            else if (action === "trigger") withToken(() => act(job, "trigger"));
            else if (action === "pause") withToken(() => askPause(job));
            else if (action === "resume") withToken(() => act(job, "resume"));
            return;
          }
          const row = target.closest("tr[data-run]");
          if (row) openRun(row.dataset.run);
        });
        document.addEventListener("keydown", (e) => {
          if (e.key === "Escape") closeDialog();
          const row = e.target instanceof Element && e.key === "Enter" ? e.target.closest("tr[data-run]") : null;
          if (row) openRun(row.dataset.run);
        });

        async function refresh() {
          try {
            const status = await getJSON("/api/v1/jobs/status");
            state.jobs = status.jobs;
            const histories = await Promise.all(status.jobs.map((j) =>
              getJSON("/api/v1/jobs/history?limit=" + CHART_RUNS + "&job=" + encodeURIComponent(j.name)).then((d) => d.executions).catch(() => state.histories[j.name] || [])));
            status.jobs.forEach((j, i) => { state.histories[j.name] = histories[i]; });
            renderStats(status.stats, status.jobs);
            renderWarnings(status.warnings);
            renderJobs();
            renderRuns(status.recentExecutions);
            connection(true, "live · updated " + new Date().toLocaleTimeString()
              + (status.redacted ? " · output and errors hidden (they need the API token)" : ""));
          } catch (e) {
            connection(false, e.message || String(e));
          }
        }

        renderAuth();
        refresh();
        setInterval(refresh, REFRESH_MS);
        setInterval(tick, 1000);
        </script>
        </body>
        </html>
        """#
}
