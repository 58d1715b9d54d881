// The operator page: polls /ops/summary (rates are computed here from the totals' deltas) and /health/ready.
// Everything but /health/ready needs the operator key, which auth.js asks for and sends.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const auth = window.ocAuth;
  const POLL_MS = 2000;
  let previous = null;
  let outagesLoaded = false;
  let lastBreakers = "";

  // Text from clients (made-up ids of refused requests) is set as text, never as HTML, and names are cut to a
  // readable length; the whole value stays in the tooltip.
  const MAX_NAME = 60;

  function cell(text, className, max = Infinity) {
    const td = document.createElement("td");
    const value = String(text ?? "");
    td.textContent = auth.shorten(value, max);
    if (value.length > max) td.title = value;
    if (className) td.className = className;
    return td;
  }

  function row(...cells) {
    const tr = document.createElement("tr");
    tr.append(...cells);
    return tr;
  }

  function seconds(value) {
    if (value === null || value === undefined) return "–";
    return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
  }

  function rate(now, before, field) {
    if (!before) return "–";
    const elapsed = (Date.parse(now.at) - Date.parse(before.at)) / 1000;
    return elapsed > 0 ? ((now.totals[field] - before.totals[field]) / elapsed).toFixed(1) : "–";
  }

  // What a refused request tells the operator (the form or the line under the header says it too).
  function refused(error) {
    if (!(error instanceof auth.AuthError)) throw error;
    $("announcer").textContent = error.message;
    return null;
  }

  async function fault(name, action) {
    const response = await auth.fetch(`/ops/faults/consumers/${encodeURIComponent(name)}/${action}`, { method: "POST" }).catch(refused);
    if (response) {
      $("announcer").textContent = `${name} ${action === "pause" ? "paused" : "resumed"}.`;
    }

    poll();
  }

  // Outages injected per dependency, as /admin/faults last reported them.
  const outages = new Map();

  async function loadOutages() {
    const response = await auth.fetch("/admin/faults", { headers: { Accept: "application/json" } }).catch(() => null);
    if (response?.ok) {
      const body = await response.json();
      for (const [name, faults] of Object.entries(body.dependencies ?? {})) outages.set(name, Boolean(faults.outage));
    }
  }

  async function outage(name, on) {
    const response = await auth.fetch(`/admin/faults/dependencies/${encodeURIComponent(name)}`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ outage: on }),
    }).catch((error) => (error instanceof auth.AuthError ? refused(error) : null));
    if (response?.ok) {
      outages.set(name, Boolean((await response.json()).outage));
      $("announcer").textContent = `${name}: outage ${on ? "started" : "ended"}.`;
    }

    poll();
  }

  function time(value) {
    return value ? new Date(value).toLocaleString() : "–";
  }

  // Active is what serves; joining and shutting down are on their way; dead is history.
  function siloClass(status) {
    if (status === "Active") return "state-closed";
    return status === "Dead" ? "state-open" : "state-half-open";
  }

  // The server names the dashboard's path; only a path on this server is linked.
  function renderDashboard(path) {
    const local = typeof path === "string" && path.startsWith("/") && !path.startsWith("//");
    for (const id of ["dashboard-link", "silos-dashboard-link"]) {
      if (local) $(id).setAttribute("href", path);
    }

    $("dashboard-nav").hidden = !local;
    $("silos-dashboard").hidden = !local;
  }

  function renderSilos(silos) {
    if (!silos) return;
    const members = silos.members ?? [];
    const older = silos.deadNotListed ? `, ${silos.deadNotListed} older dead not listed` : "";
    const error = silos.error ? ` ${silos.error}` : "";
    $("silos-summary").textContent = `${silos.active} active of ${members.length} listed${older}.${error}`;
    $("silos").replaceChildren(...members.map((s) => row(
      cell(s.name),
      cell(s.address),
      cell(s.hostName || "–"),
      cell(s.status, siloClass(s.status)),
      cell(time(s.startedAt)),
      cell(time(s.lastIAmAlive)))));
  }

  function render(summary) {
    renderSilos(summary.silos);
    renderDashboard(summary.dashboard);
    $("accepted-rate").textContent = rate(summary, previous, "accepted");
    $("settled-rate").textContent = rate(summary, previous, "settled");
    $("refused-rate").textContent = rate(summary, previous, "refused");
    $("settle-p50").textContent = seconds(summary.settle.p50);
    $("settle-p99").textContent = seconds(summary.settle.p99);
    $("accept-p99").textContent = seconds(summary.accept.p99);
    $("settle-count").textContent = String(summary.settle.count);
    $("window").textContent = String(summary.windowSeconds);
    const t = summary.totals;
    $("totals").textContent = `${t.accepted} accepted, ${t.refused} refused, ${t.settled} settled, ${t.replays} replays, ${t.retries} retries, ${t.conflicts} conflicts`;
    $("switch-head").hidden = !summary.faultInjection;

    $("consumers").replaceChildren(...summary.consumers.map((c) => {
      const cells = [
        cell(c.name),
        cell(c.paused ? "paused" : "running", c.paused ? "state-open" : "state-closed"),
        cell(c.breaker, `state-${c.breaker}`),
        cell(String(c.lagVersions)),
        cell(c.lagSeconds.toFixed(1)),
        cell(String(c.inFlight)),
      ];
      if (summary.faultInjection) {
        const td = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = c.paused ? `Resume ${c.name}` : `Pause ${c.name}`;
        button.addEventListener("click", () => fault(c.name, c.paused ? "resume" : "pause"));
        td.append(button);
        cells.push(td);
      }

      return row(...cells);
    }));

    const bulkheads = new Map(summary.bulkheads.map((b) => [b.dependency, b]));
    const names = [...new Set([...summary.breakers.map((b) => b.dependency), ...bulkheads.keys()])];
    $("dependencies").replaceChildren(...names.map((name) => {
      const breaker = summary.breakers.find((b) => b.dependency === name);
      const bulkhead = bulkheads.get(name);
      const cells = [
        cell(name),
        cell(breaker ? breaker.state : "–", breaker ? `state-${breaker.state}` : ""),
        cell(bulkhead ? `${bulkhead.inUse} of ${bulkhead.capacity} in use, ${bulkhead.queued} queued` : "–"),
      ];
      // Consumers report breakers too; only dependencies (known to /admin/faults) get an outage switch.
      if (summary.faultInjection && outages.has(name)) {
        const td = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        const down = outages.get(name);
        button.textContent = down ? `End outage of ${name}` : `Simulate outage of ${name}`;
        button.addEventListener("click", () => outage(name, !down));
        td.append(button);
        cells.push(td);
      }

      return row(...cells);
    }));
    $("dependency-switch-head").hidden = !(summary.faultInjection && outages.size > 0);
    if (summary.faultInjection && !outagesLoaded) {
      outagesLoaded = true;
      loadOutages().then(poll);
    }
    const open = summary.breakers.filter((b) => b.state !== "closed").map((b) => b.dependency).join(", ");
    if (open !== lastBreakers) {
      $("announcer").textContent = open ? `Breaker not closed: ${open}` : "All breakers closed.";
      lastBreakers = open;
    }

    $("failures").replaceChildren(...summary.failures.map((f) => row(
      cell(new Date(f.at).toLocaleTimeString()),
      cell(f.source),
      cell(f.resource ?? "", "", MAX_NAME),
      cell(f.code),
      cell(f.reason))));
    $("updated").textContent = `Last update ${new Date(summary.at).toLocaleTimeString()}.`;
    previous = summary;
  }

  // /health/ready (when the server has it) describes every dependency; shown as it comes, or "not available".
  async function readiness() {
    const target = $("readiness");
    try {
      const response = await fetch("/health/ready", { headers: { Accept: "application/json" } });
      const type = response.headers.get("Content-Type") || "";
      // Ready (200) or not ready (503) with a JSON report; anything else (404 here) means the server has no such report.
      if (![200, 503].includes(response.status) || !type.includes("json")) {
        throw new Error("no readiness report");
      }

      const body = await response.json();
      const table = document.createElement("table");
      const caption = document.createElement("caption");
      caption.textContent = `Readiness: ${body.status ?? (response.ok ? "ready" : "not ready")}`;
      table.append(caption);
      if (body.storage) {
        const storage = body.storage;
        const detail = storage.breaker === "closed"
          ? "writes go through"
          : `writes refused${storage.retryAfterSeconds ? `, next try in ${Math.ceil(storage.retryAfterSeconds)} s` : ""}${storage.lastError ? `: ${storage.lastError}` : ""}`;
        table.append(row(cell("database"), cell(storage.breaker, `state-${storage.breaker}`), cell(detail)));
      }

      if (body.silos) {
        const active = body.silos.active;
        table.append(row(
          cell("silos"),
          cell(active > 0 ? `${active} active` : "none active", active > 0 ? (body.silos.error ? "state-half-open" : "state-closed") : "state-open"),
          cell(active > 0 ? (body.silos.error ?? "grain calls go through") : `intents refused${body.silos.error ? `: ${body.silos.error}` : ""}`)));
      }

      for (const dependency of body.dependencies ?? []) {
        const faults = dependency.faults?.any ? " (faults injected)" : "";
        const until = dependency.breakerOpenUntil ? `, open until ${new Date(dependency.breakerOpenUntil).toLocaleTimeString()}` : "";
        table.append(row(
          cell(dependency.name ?? dependency.displayName ?? "?"),
          cell(dependency.breaker, `state-${dependency.breaker}`),
          cell(`${dependency.slotsInUse} of ${dependency.slotLimit} slots, ${dependency.queued} queued, ${dependency.rejected} refused${until}${faults}`)));
      }

      target.replaceChildren(table);
    } catch {
      const p = document.createElement("p");
      p.className = "meta";
      p.textContent = "Readiness (/health/ready): not available on this server.";
      target.replaceChildren(p);
    }
  }

  async function poll() {
    if (!auth.key()) {
      $("updated").textContent = "Sign in to see the numbers.";
      return;
    }

    try {
      const response = await auth.fetch("/ops/summary", { headers: { Accept: "application/json" } });
      render(await response.json());
    } catch (error) {
      $("updated").textContent = error instanceof auth.AuthError
        ? (error.status === 403 ? error.message : "Sign in to see the numbers.")
        : "Cannot reach the server; retrying.";
    }
  }

  // Signing in (here or on the people's page in this tab) shows the numbers at once; signing out clears them.
  auth.onChange((signedIn) => {
    previous = null;
    outagesLoaded = false;
    if (signedIn) {
      poll();
    } else {
      for (const id of ["consumers", "dependencies", "failures", "silos"]) $(id).replaceChildren();
      $("updated").textContent = "Sign in to see the numbers.";
    }
  });

  poll();
  readiness();
  window.setInterval(poll, POLL_MS);
  window.setInterval(readiness, POLL_MS * 2.5);
})();
