import Foundation

extension StatusPage {
    /// The script, continued: the token, the buttons, the run detail and the refresh loop.
    static let actions = #"""
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
            renderNodes(status.nodes);
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
