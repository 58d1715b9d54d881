// The people's page: open a resource, edit it, and watch the change get through. No framework, no build step.
// Everything the page knows comes from the API: the resource (GET), the change's status (POST/GET .../intents), and
// live versions over Server-Sent Events (resumed with the last event id after a drop, so no version is missed).
// Every request carries the person's API key (auth.js asks for it once per browser tab).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const auth = window.ocAuth;
  const BADGES = {
    saving: "Saving…",
    saved: "Saved",
    updating: "Updating everywhere",
    done: "Done",
    delayed: "Delayed",
    attention: "Needs your attention",
  };
  const REFRESH_MS = 1000;

  const page = {
    type: null,
    id: null,
    base: null,          // the document the person started editing from
    baseVersion: 0,      // the version they were looking at
    version: 0,
    settled: 0,
    source: null,        // the EventSource
    lastEventId: null,   // the last version received, for resuming
    seen: new Set(),     // versions shown in the live list
    change: null,        // { key, status, badge }
    refreshTimer: null,
    badgeHistory: [],    // every badge shown, in order (read by the browser tests)
    failedResumes: 0,    // live connections refused in a row
    needsOpen: false,    // opening waits for the person to sign in
  };
  window.oc = {
    page,
    disconnect,          // drops the live connection as a network failure would (for demos and the browser tests)
    reconnect,           // resumes it from the last version received
  };

  function resourcePath() {
    return `/v1/resources/${encodeURIComponent(page.type)}/${encodeURIComponent(page.id)}`;
  }

  function announce(text) {
    // Cleared first so that the same sentence twice is still read out.
    const announcer = $("announcer");
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function setConnection(text) {
    $("connection").textContent = text;
  }

  function pretty(value) {
    return value === null || value === undefined ? "(nothing)" : JSON.stringify(value, null, 2);
  }

  // ---------- opening a resource ----------

  async function open(event) {
    event?.preventDefault();
    page.type = $("type").value.trim();
    page.id = $("rid").value.trim();
    if (!page.type || !page.id) {
      return;
    }

    $("resource-name").textContent = `${page.type}/${page.id}`;
    page.seen.clear();
    page.lastEventId = null;
    $("events").replaceChildren();
    page.needsOpen = false;
    try {
      await loadResource();
    } catch (error) {
      if (!(error instanceof auth.AuthError)) throw error;
      // Opened again once the person signs in (or with another key, after a 403).
      page.needsOpen = true;
      setConnection(error.status === 403 ? "Not connected: this key may not read it" : "Not connected: sign in first");
      return;
    }

    connect(null);
    $("save").disabled = false;
    $("reload").disabled = false;
    document.title = `${page.type}/${page.id} · Your changes`;
  }

  async function loadResource() {
    const response = await auth.fetch(resourcePath(), { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    const exists = response.ok && body.exists !== false;
    page.base = exists ? (body.document ?? {}) : {};
    page.baseVersion = typeof body.version === "number" ? body.version : 0;
    page.version = page.baseVersion;
    page.settled = typeof body.settledVersion === "number" ? body.settledVersion : page.settled;
    $("doc").value = pretty(page.base);
    $("base-version").textContent = String(page.baseVersion);
    showDocument(page.base, false);
    showVersions();
  }

  function showDocument(document, unconfirmed) {
    $("view").textContent = pretty(document) + (unconfirmed ? "\n(not confirmed yet)" : "");
  }

  function showVersions() {
    $("version").textContent = String(page.version);
    $("settled").textContent = String(page.settled);
  }

  // ---------- making a change ----------

  // The fields that differ from the base, as a JSON Merge Patch (null removes a field).
  function mergePatch(base, edited) {
    const patch = {};
    for (const [field, value] of Object.entries(edited)) {
      if (JSON.stringify(base?.[field]) !== JSON.stringify(value)) {
        patch[field] = value;
      }
    }

    for (const field of Object.keys(base ?? {})) {
      if (!(field in edited)) {
        patch[field] = null;
      }
    }

    return patch;
  }

  async function save() {
    $("doc-error").textContent = "";
    let edited;
    try {
      edited = JSON.parse($("doc").value);
    } catch (error) {
      $("doc-error").textContent = `That is not valid JSON: ${error.message}`;
      $("doc").focus();
      return;
    }

    if (edited === null || typeof edited !== "object" || Array.isArray(edited)) {
      $("doc-error").textContent = "The document must be a JSON object, like {\"name\": \"value\"}.";
      return;
    }

    const patch = mergePatch(page.base, edited);
    if (Object.keys(patch).length === 0) {
      $("doc-error").textContent = "Nothing changed.";
      return;
    }

    const key = crypto.randomUUID();
    page.change = { key, status: null, badge: null };
    setBadge("saving", "Saving your change…");
    showTimeline([{ name: "received", state: "waiting" }]);
    showDocument(edited, true); // optimistic: shown at once, marked as not confirmed

    let response;
    try {
      response = await auth.fetch(`${resourcePath()}/intents`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Idempotency-Key": key,
          // Which version the person was looking at: drives the conflict policy where the server has one.
          "X-Based-On-Version": String(page.baseVersion),
        },
        body: JSON.stringify({ op: "merge", payload: patch }),
      });
    } catch (error) {
      if (error instanceof auth.AuthError) {
        // Refused before it reached anything: nothing was saved.
        page.change = null;
        setBadge("attention", error.status === 401 ? `${error.message} Then save again.` : error.message);
        showTimeline([]);
        showDocument(page.base, false);
        return;
      }

      // The request may or may not have arrived: asking again with the same key is safe and tells which.
      setBadge("saving", "The connection dropped; checking whether your change arrived…");
      scheduleRefresh();
      return;
    }

    const body = await response.json().catch(() => null);
    if (body && body.state) {
      applyStatus(body);
    } else if (body?.intent?.state) {
      // A refusal or a parked conflict (409) carries the intent's status: show it, with its conflict, if any.
      applyStatus(body.intent);
    } else if (body) {
      problem(body);
    }
  }

  function problem(body) {
    setBadge("attention", body.detail || body.title || "Your change was not accepted.");
    showTimeline([]);
    showDocument(page.base, false);
  }

  // ---------- a change's status ----------

  async function refresh() {
    const change = page.change;
    if (!change) {
      return;
    }

    try {
      const response = await auth.fetch(`${resourcePath()}/intents/${encodeURIComponent(change.key)}`, { headers: { Accept: "application/json" } });
      if (response.status === 404) {
        scheduleRefresh();
        return;
      }

      const body = await response.json();
      if (page.change === change && body.state) {
        applyStatus(body);
      }
    } catch (error) {
      // Refused: asked again after signing in (see the wiring below); anything else is tried again shortly.
      if (!(error instanceof auth.AuthError)) {
        scheduleRefresh();
      }
    }
  }

  function scheduleRefresh() {
    window.clearTimeout(page.refreshTimer);
    page.refreshTimer = window.setTimeout(refresh, REFRESH_MS);
  }

  function isFinal(status) {
    return ["settled", "failed", "rejected"].includes(status.state);
  }

  // Only a parked conflict waits for a person; a merged or resolved one is explained in the message and timeline.
  function badgeFor(status) {
    if (status.state === "conflict") {
      return "attention";
    }

    switch (status.state) {
      case "pending": return "saving";
      case "settled": return "done";
      case "failed":
      case "rejected": return "attention";
      default:
        break;
    }

    if (status.code === "applied-delayed") {
      return "delayed";
    }

    const consumers = (status.timeline || []).filter((s) => s.name.startsWith("consumer:"));
    return consumers.some((s) => s.state === "done") ? "updating" : "saved";
  }

  // The stage that holds a change: the first one not done.
  function holdingStage(status) {
    return (status.timeline || []).find((s) => s.name.startsWith("consumer:") && s.state !== "done");
  }

  function applyStatus(status) {
    page.change.status = status;
    if (typeof status.currentVersion === "number") {
      page.version = Math.max(page.version, status.currentVersion);
    }

    if (typeof status.settledVersion === "number") {
      page.settled = Math.max(page.settled, status.settledVersion);
    }

    showVersions();
    const badge = badgeFor(status);
    let message = status.message || "";
    if (badge === "delayed" && holdingStage(status)) {
      message += ` Waiting for: ${stageLabel(holdingStage(status).name)}.`;
    }

    setBadge(badge, message);
    showTimeline(status.timeline || []);
    if (status.state === "rejected") {
      showDocument(page.base, false);
    } else if (status.version) {
      try {
        showDocument(JSON.parse($("doc").value), false);
      } catch {
        // The person is typing; the view catches up with the next status.
      }
    }

    if (status.state === "conflict") {
      openConflict(status);
    }

    if (!isFinal(status) && status.state !== "conflict") {
      scheduleRefresh();
    } else if (status.state === "settled" && typeof status.version === "number") {
      // Their edit is now the base: the next change is based on it.
      adoptBase(status.version);
    }
  }

  async function adoptBase(version) {
    if (version >= page.baseVersion) {
      const response = await auth.fetch(resourcePath(), { headers: { Accept: "application/json" } }).catch(() => null);
      if (response?.ok) {
        const body = await response.json();
        page.base = body.document ?? {};
        page.baseVersion = body.version;
        $("base-version").textContent = String(page.baseVersion);
      }
    }
  }

  function setBadge(badge, message) {
    const element = $("badge");
    const changed = element.dataset.badge !== badge;
    element.dataset.badge = badge;
    element.textContent = BADGES[badge];
    $("message").textContent = message;
    if (page.change) {
      page.change.badge = badge;
    }

    if (changed) {
      page.badgeHistory.push(badge);
      announce(`${BADGES[badge]}. ${message}`);
    }
  }

  function stageLabel(name) {
    if (name === "received") return "Received";
    if (name === "applied") return "Saved";
    if (name === "settled") return "Up to date everywhere";
    if (name.startsWith("consumer:")) return `Updating ${name.slice("consumer:".length)}`;
    return name;
  }

  function time(value) {
    return value ? new Date(value).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
  }

  function showTimeline(stages) {
    const items = stages.map((stage) => {
      const li = document.createElement("li");
      li.dataset.state = stage.state;
      li.dataset.stage = stage.name;
      const name = document.createElement("span");
      name.className = "stage";
      name.textContent = stageLabel(stage.name);
      li.append(name, ` — ${stage.state}`);
      if (stage.at) {
        const at = document.createElement("time");
        at.dateTime = stage.at;
        at.textContent = ` at ${time(stage.at)}`;
        li.append(at);
      }

      if (stage.attempts > 1) {
        li.append(` (${stage.attempts} attempts)`);
      }

      if (stage.detail) {
        const detail = document.createElement("div");
        detail.className = "meta";
        detail.textContent = stage.detail;
        li.append(detail);
      }

      return li;
    });
    $("timeline").replaceChildren(...items);
  }

  // ---------- conflicts ----------

  // The conflict's fields, whatever shape the server uses: an array of {field, mine, theirs} or a map of field -> {mine, theirs}.
  function conflictFields(conflict) {
    const raw = conflict?.fields ?? conflict?.values ?? conflict?.conflicts ?? [];
    const entries = Array.isArray(raw) ? raw : Object.entries(raw).map(([field, value]) => ({ field, ...value }));
    return entries.map((entry) => ({
      field: entry.field ?? entry.name ?? entry.path ?? "(document)",
      mine: entry.mine ?? entry.yours ?? entry.proposed ?? entry.intent ?? entry.incoming,
      theirs: entry.theirs ?? entry.current ?? entry.existing ?? entry.other,
    }));
  }

  function openConflict(status) {
    const dialog = $("conflict");
    const conflict = status.conflict ?? {};
    const by = conflict.theirs?.idempotencyKey ?? conflict.by ?? conflict.otherIntent ?? conflict.supersededBy;
    $("conflict-message").textContent = conflict.message || status.message
      || "Someone changed the same fields after you started editing. Choose which value to keep.";
    const rows = conflictFields(conflict).map((field) => {
      const tr = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = field.field;
      const mine = document.createElement("td");
      mine.textContent = JSON.stringify(field.mine);
      const theirs = document.createElement("td");
      theirs.textContent = JSON.stringify(field.theirs);
      tr.append(name, mine, theirs);
      return tr;
    });
    $("conflict-fields").replaceChildren(...rows);
    if (!$("conflict-value").value) {
      $("conflict-value").value = $("doc").value;
    }

    $("conflict-error").textContent = by ? "" : "";
    if (!dialog.open) {
      dialog.showModal(); // modal: focus moves into it, Escape closes it, the page behind is inert
      announce("Someone else changed this too. A dialog asks which value to keep.");
    }
  }

  async function resolve(event) {
    event.preventDefault();
    const change = page.change;
    const choice = new FormData($("conflict-form")).get("choice");
    const body = { choice };
    if (choice === "value") {
      try {
        body.value = JSON.parse($("conflict-value").value);
      } catch (error) {
        $("conflict-error").textContent = `That is not valid JSON: ${error.message}`;
        return;
      }
    }

    let response;
    try {
      response = await auth.fetch(`${resourcePath()}/intents/${encodeURIComponent(change.key)}/resolution`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `${change.key}:resolution:${choice}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      if (!(error instanceof auth.AuthError)) {
        response = null;
      } else if (error.status === 403) {
        $("conflict-error").textContent = error.message;
        return;
      } else {
        // The dialog is modal: closed so that the person can sign in; the conflict comes back after that.
        $("conflict").close();
        return;
      }
    }

    if (!response) {
      $("conflict-error").textContent = "The connection dropped. Try again: it is safe to repeat.";
      return;
    }

    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      $("conflict-error").textContent = answer.detail || answer.title || `It was not resolved (${response.status}).`;
      return;
    }

    $("conflict").close();
    announce("Resolved.");
    if (answer.state) {
      applyStatus(answer);
    } else {
      scheduleRefresh();
    }
  }

  // ---------- live updates ----------

  function connect(lastEventId) {
    page.source?.close();
    page.source = null;
    // A resource never created has no "now" to follow from: it is followed from its first version (?from=0).
    const query = lastEventId !== null ? `?lastEventId=${encodeURIComponent(lastEventId)}` : page.version === 0 ? "?from=0" : "";
    const url = auth.eventSourceUrl(`${resourcePath()}/events${query}`);
    if (!url) {
      page.needsOpen = true;
      setConnection("Not connected: sign in first");
      return;
    }

    const source = new EventSource(url);
    page.source = source;
    setConnection(lastEventId === null ? "Connecting…" : `Reconnecting from version ${lastEventId}…`);
    source.onopen = () => {
      page.failedResumes = 0;
      setConnection("Live");
    };
    source.onerror = () => {
      if (page.source !== source) {
        return;
      }

      // CONNECTING: the browser reconnects by itself and sends Last-Event-ID. CLOSED: it gave up; resume ourselves.
      if (source.readyState === EventSource.CLOSED) {
        // Refused twice in a row (e.g. 410: the resume point is older than the log keeps): start again from a fresh read.
        page.failedResumes = (page.failedResumes ?? 0) + 1;
        const fresh = page.failedResumes > 2;
        setConnection("Connection lost; trying again…");
        window.setTimeout(async () => {
          if (page.source !== source) return;
          if (fresh) {
            page.failedResumes = 0;
            try {
              // A key no longer accepted shows here: the read answers 401 and the form asks again.
              await loadResource();
            } catch (error) {
              if (!(error instanceof auth.AuthError)) throw error;
              page.source = null;
              page.needsOpen = true;
              setConnection("Not connected: sign in first");
              return;
            }

            connect(null);
          } else {
            connect(page.lastEventId);
          }
        }, 2000);
      } else {
        setConnection("Connection lost; reconnecting…");
      }
    };
    source.addEventListener("snapshot", (event) => {
      const snapshot = JSON.parse(event.data);
      page.lastEventId = String(snapshot.version ?? 0);
      page.version = Math.max(page.version, snapshot.version ?? 0);
      page.settled = Math.max(page.settled, snapshot.settledVersion ?? 0);
      showVersions();
    });
    source.addEventListener("applied", (event) => {
      const transition = JSON.parse(event.data);
      page.lastEventId = event.lastEventId || String(transition.version);
      onApplied(transition);
    });
    source.addEventListener("settled", (event) => {
      const settled = JSON.parse(event.data);
      page.settled = Math.max(page.settled, settled.settledVersion ?? 0);
      showVersions();
      if (page.change?.status && !isFinal(page.change.status)) {
        refresh();
      }
    });
  }

  function onApplied(transition) {
    if (page.seen.has(transition.version)) {
      return;
    }

    page.seen.add(transition.version);
    page.version = Math.max(page.version, transition.version);
    showVersions();
    const li = document.createElement("li");
    li.dataset.version = String(transition.version);
    const mine = page.change && transition.intentKey === page.change.key;
    li.textContent = `Version ${transition.version}: ${transition.operation ?? transition.type}`
      + `${mine ? " (yours)" : ""} at ${time(transition.occurredAt)}`;
    $("events").append(li);

    if (!mine && transition.document !== undefined) {
      // Someone else's change: shown at once; the editor follows unless the person has unsaved edits.
      const editing = $("doc").value !== pretty(page.base);
      if (!editing) {
        page.base = transition.document ?? {};
        page.baseVersion = transition.version;
        $("doc").value = pretty(page.base);
        $("base-version").textContent = String(page.baseVersion);
        showDocument(page.base, false);
      }

      announce(`Version ${transition.version} arrived from someone else.`);
    }

    if (page.change?.status && !isFinal(page.change.status)) {
      refresh();
    }
  }

  function disconnect() {
    page.source?.close();
    page.source = null;
    setConnection("Offline");
    return page.lastEventId;
  }

  function reconnect() {
    connect(page.lastEventId);
    return page.lastEventId;
  }

  // ---------- wiring ----------

  $("pick").addEventListener("submit", open);
  $("save").addEventListener("click", save);
  $("reload").addEventListener("click", loadResource);
  $("doc").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      save();
    }
  });
  $("conflict-form").addEventListener("submit", resolve);

  // Signed in: open what was waiting for it and catch up with the last change. Signed out (or the key was refused):
  // the live connection, which carries the key, is closed.
  auth.onChange((signedIn) => {
    if (!signedIn) {
      window.clearTimeout(page.refreshTimer);
      if (page.source) {
        page.source.close();
        page.source = null;
        page.needsOpen = Boolean(page.type && page.id);
      }

      setConnection("Not connected: sign in first");
      return;
    }

    if (page.needsOpen) {
      open();
    }

    if (page.change?.status && !isFinal(page.change.status)) {
      refresh();
    }
  });
  $("conflict-later").addEventListener("click", () => $("conflict").close());

  const params = new URLSearchParams(window.location.search);
  if (params.get("type")) $("type").value = params.get("type");
  if (params.get("id")) $("rid").value = params.get("id");
  if (params.get("type") && params.get("id")) open();
})();
