import Foundation

extension StatusPage {
    /// The script: formatting and rendering of the status.
    static let script = #"""
        <script>
        "use strict";
        const REFRESH_MS = 5000, CHART_RUNS = 30;
        const COLORS = { succeeded: "#3fb950", failed: "#f85149", timed_out: "#f85149", interrupted: "#f85149", abandoned: "#f85149", partial: "#d29922", skipped: "#6e7b88", running: "#58a6ff", queued: "#58a6ff" };
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

        // The nodes of a PostgreSQL STATE_DB (issue 11); the section stays hidden when there are none.
        function renderNodes(nodes) {
          const body = document.getElementById("nodes");
          body.replaceChildren();
          document.getElementById("nodesbox").hidden = !nodes || nodes.length === 0;
          for (const n of nodes || []) {
            const tr = el("tr", { class: "node " + n.state, "data-node": n.id });
            tr.appendChild(el("td", {}, n.id));
            tr.appendChild(el("td", {}, n.host));
            tr.appendChild(el("td", { class: "num" }, n.pid));
            tr.appendChild(el("td", {}, n.version));
            tr.appendChild(el("td", { title: n.lastHeartbeat }, ago(n.lastHeartbeat)));
            tr.appendChild(el("td", {}, n.configDigest));
            tr.appendChild(el("td", { class: "st" }, n.state));
            const runs = n.running.map((r) => r.job + " #" + r.id).join(", ");
            tr.appendChild(el("td", { class: "summary" }, runs || "–"));
            body.appendChild(tr);
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
        """#
}
