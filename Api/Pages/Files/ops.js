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

  // Text from clients (made-up ids of refused requests) is set as text, never as HTML, and every cell is cut to a
  // readable length so one long id cannot stretch a table; the whole value stays in the tooltip.
  const MAX_NAME = 60;
  const MAX_TEXT = 120;
  const SVG = "http://www.w3.org/2000/svg";

  function cell(text, className, max = MAX_TEXT) {
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

  // What is injected into a dependency, in a few words ("none" when nothing is).
  function faultsOf(faults) {
    if (!faults?.any) return "none";
    const parts = [];
    if (faults.outage) parts.push("outage");
    if (faults.errorRate) parts.push(`${Math.round(faults.errorRate * 100)}% errors`);
    if (faults.latency && faults.latency !== "00:00:00") parts.push(`${faults.latency} added latency`);
    return parts.join(", ") || "injected";
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

  function svg(name, attributes) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    return element;
  }

  // One small line chart: time along x over the whole window, 0 to the largest value along y. Drawn here (inline SVG)
  // so the page loads nothing from elsewhere; p99 lines are dashed, so they differ by more than colour.
  function chart(id, title, points, series, format) {
    const width = 320;
    const height = 120;
    const left = 44;
    const bottom = 16;
    const figure = $(id);
    const caption = document.createElement("figcaption");
    caption.textContent = title;
    const values = series.flatMap((s) => points.map((p) => p[s.field]).filter((v) => v !== null && v !== undefined));
    const top = Math.max(...values, 0) || 1;
    const first = points.length ? Date.parse(points[0].at) : 0;
    const span = points.length > 1 ? Date.parse(points[points.length - 1].at) - first : 1;
    const x = (p) => left + ((Date.parse(p.at) - first) / span) * (width - left - 4);
    const y = (v) => 4 + (1 - v / top) * (height - bottom - 8);
    const plot = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    plot.append(
      svg("line", { class: "axis", x1: left, y1: y(0), x2: width - 4, y2: y(0) }),
      svg("line", { class: "axis", x1: left, y1: 4, x2: left, y2: y(0) }));
    const label = (text, yAt) => {
      const t = svg("text", { x: left - 4, y: yAt + 4, "text-anchor": "end", "font-size": 10, fill: "#4a4a4a" });
      t.textContent = text;
      return t;
    };
    plot.append(label(format(top), y(top)), label(format(0), y(0)));
    const legend = document.createElement("div");
    legend.className = "legend";
    const described = [];
    for (const s of series) {
      // A gap where nothing was measured (no settle, no page report) rather than a line through zero; a dot on
      // each measured point, so that one between two gaps shows too.
      let path = "";
      let pen = "M";
      for (const p of points) {
        const v = p[s.field];
        if (v === null || v === undefined) { pen = "M"; continue; }
        path += `${pen}${x(p).toFixed(1)},${y(v).toFixed(1)} `;
        pen = "L";
        plot.append(svg("circle", { cx: x(p).toFixed(1), cy: y(v).toFixed(1), r: 2, fill: s.color }));
      }

      if (path) {
        plot.append(svg("path", { d: path, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-dasharray": s.dashed ? "5 3" : "none" }));
      }

      const last = [...points].reverse().find((p) => p[s.field] !== null && p[s.field] !== undefined);
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = s.color;
      legend.append(swatch, `${s.name} ${last ? format(last[s.field]) : "–"}`);
      described.push(`${s.name} ${last ? format(last[s.field]) : "not measured"}`);
    }

    plot.setAttribute("aria-label", `${title}, now: ${described.join(", ")}; highest ${format(top)} over ${points.length} points.`);
    figure.replaceChildren(caption, plot, legend);
  }

  function renderTrends(trends) {
    if (!trends) return;
    const points = trends.points ?? [];
    $("trend-interval").textContent = String(trends.intervalSeconds);
    const perSecond = (v) => `${Number(v).toFixed(1)}/s`;
    chart("chart-rates", "Accepted and settled per second", points, [
      { name: "accepted", field: "acceptedPerSecond", color: "#0b4fa3" },
      { name: "settled", field: "settledPerSecond", color: "#1b7f3b", dashed: true },
    ], perSecond);
    chart("chart-settle", "Settle time (applied to settled)", points, [
      { name: "p50", field: "settleP50", color: "#0b4fa3" },
      { name: "p99", field: "settleP99", color: "#a4161a", dashed: true },
    ], seconds);
    chart("chart-perceived", "Perceived by people (click to Saved, to Done)", points, [
      { name: "saved p50", field: "perceivedSavedP50", color: "#0b4fa3" },
      { name: "saved p99", field: "perceivedSavedP99", color: "#0b4fa3", dashed: true },
      { name: "done p50", field: "perceivedDoneP50", color: "#1b7f3b" },
      { name: "done p99", field: "perceivedDoneP99", color: "#1b7f3b", dashed: true },
    ], seconds);
    chart("chart-lag", "Largest consumer lag", points, [
      { name: "lag", field: "lagSeconds", color: "#7a4b00" },
    ], seconds);
  }

  function render(summary) {
    renderTrends(summary.trends);
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

    $("dependencies").replaceChildren(...summary.dependencies.map((d) => {
      const until = d.breakerOpenUntil ? ` until ${new Date(d.breakerOpenUntil).toLocaleTimeString()}` : "";
      const cells = [
        cell(d.displayName && d.displayName !== d.name ? `${d.displayName} (${d.name})` : d.name, "", MAX_NAME),
        cell(`${d.breaker}${until}`, `state-${d.breaker}`),
        cell(`${d.slotsInUse} of ${d.slotLimit}`),
        cell(`${d.queued} of ${d.queueLimit}`),
        cell(String(d.rejected)),
        cell(faultsOf(d.faults)),
      ];
      // Only dependencies known to /admin/faults get an outage switch.
      if (summary.faultInjection && outages.has(d.name)) {
        const td = document.createElement("td");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        const down = outages.get(d.name);
        button.textContent = down ? `End outage of ${d.name}` : `Simulate outage of ${d.name}`;
        button.addEventListener("click", () => outage(d.name, !down));
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
    const open = [...summary.dependencies.map((d) => [d.name, d.breaker]), ...summary.consumers.map((c) => [c.name, c.breaker])]
      .filter(([, breaker]) => breaker !== "closed").map(([name]) => name).join(", ");
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
