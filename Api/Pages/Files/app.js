// The people's page: open a resource, edit it, and watch the change get through. No framework, no build step.
// Everything the page knows comes from the API: the resource (GET), the change's status (POST/GET .../intents), the
// changes of this tab that wait for a decision (GET .../conflicts?session=), and live versions over Server-Sent Events
// (resumed with the last event id after a drop, so no version is missed). Every request carries the person's API key
// (auth.js asks for it once per browser tab), every change this tab's session id: the server does not count a
// person's own earlier changes as someone else's.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const auth = window.ocAuth;
  const BADGES = {
    none: "No change yet",
    saving: "Saving…",
    saved: "Saved",
    updating: "Updating everywhere",
    done: "Done",
    delayed: "Delayed",
    attention: "Needs your attention",
  };
  const STAGE_STATES = { done: "done", waiting: "in progress", pending: "not yet", failed: "failed", skipped: "not needed" };
  const REFRESH_MS = 1000;
  const SESSION_STORAGE = "oc.session";

  const page = {
    type: null,
    id: null,
    base: null,          // the version the person edits from: what Save compares with, and the version it names
    baseVersion: 0,
    editsFrom: null,     // what the editor's text was made from (the base, unless someone else's version came mid-typing)
    latest: { version: 0, document: {} }, // the newest version received, with its document
    version: 0,
    settled: 0,
    source: null,        // the EventSource
    lastEventId: null,   // the last version received, for resuming
    seen: new Set(),     // versions shown in the live list
    change: null,        // the change shown: { key, status, badge, edited, clickedAt, savedMs, doneMs, reported, conflicted }
    sent: new Map(),     // this tab's changes not yet applied: key -> the document as the person saved it
    following: new Set(), // this tab's earlier changes still on their way (a later one is on show): measured until done
    waiting: [],         // this tab's changes that wait for a decision (the manual conflict policy)
    news: null,          // someone else's versions since the person's base: { before, version }
    refreshTimer: null,
    badgeHistory: [],    // every badge shown, in order (read by the browser tests)
    announced: [],       // every sentence given to the screen reader, in order (read by the browser tests)
    failedResumes: 0,    // live connections refused in a row
    needsOpen: false,    // opening waits for the person to sign in
    session: sessionId(),
  };
  window.oc = {
    page,
    disconnect,          // drops the live connection as a network failure would (for demos and the browser tests)
    reconnect,           // resumes it from the last version received
  };

  // One per browser tab, kept across reloads: the server recognises this tab's own changes by it.
  function sessionId() {
    let id = null;
    try {
      id = window.sessionStorage.getItem(SESSION_STORAGE);
      if (!id) {
        id = crypto.randomUUID();
        window.sessionStorage.setItem(SESSION_STORAGE, id);
      }
    } catch {
      id = id ?? crypto.randomUUID(); // storage refused (private mode): a session for this page's life
    }

    return id;
  }

  function resourcePath() {
    return `/v1/resources/${encodeURIComponent(page.type)}/${encodeURIComponent(page.id)}`;
  }

  function announce(text) {
    // Cleared first so that the same sentence twice is still read out.
    const announcer = $("announcer");
    page.announced.push(text);
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function setConnection(text) {
    $("connection").textContent = text;
  }

  function pretty(value) {
    return value === null || value === undefined ? "(nothing)" : JSON.stringify(value, null, 2);
  }

  // A value as people read it: text as it is, anything else as JSON.
  function plain(value) {
    if (value === undefined || value === null) return "(nothing)";
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  // A field as people name it: "address › city", not the JSON Pointer "/address/city".
  function fieldName(path) {
    if (!path) return "the whole document";
    return path.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~")).join(" › ");
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
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
      await loadWaiting();
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
    page.editsFrom = page.base;
    page.baseVersion = typeof body.version === "number" ? body.version : 0;
    page.version = page.baseVersion;
    page.latest = { version: page.baseVersion, document: page.base };
    page.settled = typeof body.settledVersion === "number" ? body.settledVersion : page.settled;
    $("doc").value = pretty(page.base);
    $("base-version").textContent = String(page.baseVersion);
    clearNews();
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

  // ---------- the document: what changed, and moving the base ----------

  // What turns base into edited, as a JSON Merge Patch (RFC 7396): objects are compared field by field, null removes.
  function mergePatch(base, edited) {
    const patch = {};
    for (const [field, value] of Object.entries(edited)) {
      const before = base?.[field];
      if (isObject(before) && isObject(value)) {
        const inner = mergePatch(before, value);
        if (Object.keys(inner).length > 0) patch[field] = inner;
      } else if (JSON.stringify(before) !== JSON.stringify(value)) {
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

  function applyPatch(document, patch) {
    const result = isObject(document) ? { ...document } : {};
    for (const [field, value] of Object.entries(patch)) {
      if (value === null) {
        delete result[field];
      } else {
        result[field] = isObject(value) ? applyPatch(result[field], value) : value;
      }
    }

    return result;
  }

  // The fields that differ between two versions, as paths, with both values.
  function differences(before, after, prefix = "") {
    const paths = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
    return [...paths].flatMap((field) => {
      const path = `${prefix}/${field.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      const a = before?.[field];
      const b = after?.[field];
      if (isObject(a) && isObject(b)) return differences(a, b, path);
      return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, before: a, now: b }];
    });
  }

  function valueAt(document, path) {
    return path.slice(1).split("/").reduce((node, s) => (isObject(node) ? node[s.replaceAll("~1", "/").replaceAll("~0", "~")] : undefined), document);
  }

  function editorDocument() {
    try {
      const value = JSON.parse($("doc").value);
      return isObject(value) ? value : null;
    } catch {
      return null;
    }
  }

  // A newer version becomes the base. The person's edits (what they changed from `from`) stay in the editor, now on
  // top of it; while the editor holds no valid JSON its text is left alone, and Save works the edits out then.
  function moveBase(document, version, from) {
    const current = editorDocument();
    page.base = document;
    page.baseVersion = version;
    $("base-version").textContent = String(version);
    if (!current) {
      return null;
    }

    const edits = mergePatch(from, current);
    $("doc").value = pretty(applyPatch(document, edits));
    page.editsFrom = document;
    return edits;
  }

  // This tab's change was applied: its version is the base of the next change (also while it settles or is delayed).
  function adoptOwn(key, version, document) {
    if (version <= page.baseVersion) {
      return;
    }

    const edited = page.sent.get(key) ?? page.editsFrom;
    page.sent.delete(key);
    moveBase(document, version, edited);
  }

  async function readOwn(change, version) {
    const response = await auth.fetch(resourcePath(), { headers: { Accept: "application/json" } }).catch(() => null);
    const body = response?.ok ? await response.json().catch(() => null) : null;
    if (body?.version === version && version > page.latest.version) {
      page.latest = { version, document: body.document ?? {} };
      adoptOwn(change.key, version, page.latest.document);
    }
  }

  // ---------- someone else's version ----------

  function clearNews() {
    page.news = null;
    $("news").hidden = true;
    $("review").hidden = true;
    $("review-table").hidden = true;
    $("review").setAttribute("aria-expanded", "false");
  }

  function othersVersion(version, document) {
    const before = page.news?.before ?? page.base;
    const edits = moveBase(document, version, page.editsFrom);
    page.news = { before, version };
    const changed = differences(before, document);
    const said = changed.map((c) => (c.now === undefined ? `${fieldName(c.path)} was removed` : `${fieldName(c.path)} is now ${plain(c.now)}`));
    const what = said.length === 0 ? "nothing you can see changed" : said.join(", ");
    const yours = edits === null || Object.keys(edits).length > 0
      ? " Your edits are kept on top of it; review them before you save."
      : " The editor shows the new version.";
    $("news-message").textContent = `Someone else changed this: ${what} (version ${version}).${yours}`;
    $("news").hidden = false;
    $("review").hidden = !(edits === null || Object.keys(edits).length > 0);
    showReview(before, document);
    showDocument(document, false);
    announce(`Someone else changed this: ${what}.`);
  }

  // Field by field: as it was when the person started, as it is now, and what they have in the editor.
  function showReview(before, now) {
    const mine = editorDocument() ?? {};
    const paths = new Map();
    for (const c of differences(before, now)) paths.set(c.path, true);
    for (const c of differences(now, mine)) paths.set(c.path, paths.has(c.path));
    const rows = [...paths].map(([path, theirs]) => {
      const tr = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = fieldName(path);
      const cells = [valueAt(before, path), valueAt(now, path), valueAt(mine, path)].map((value) => {
        const td = document.createElement("td");
        td.textContent = plain(value);
        return td;
      });
      const note = document.createElement("td");
      const changedByMe = JSON.stringify(valueAt(mine, path)) !== JSON.stringify(valueAt(now, path));
      note.textContent = theirs && changedByMe ? "Both changed: yours replaces theirs if you save" : theirs ? "Their change" : "Your edit";
      tr.append(name, ...cells, note);
      return tr;
    });
    $("review-rows").replaceChildren(...rows);
  }

  // ---------- making a change ----------

  async function save() {
    const clickedAt = performance.now();
    $("doc-error").textContent = "";
    let edited;
    try {
      edited = JSON.parse($("doc").value);
    } catch (error) {
      $("doc-error").textContent = `That is not valid JSON: ${error.message}`;
      $("doc").focus();
      return;
    }

    if (!isObject(edited)) {
      $("doc-error").textContent = "The document must be a JSON object, like {\"name\": \"value\"}.";
      return;
    }

    // Edits made from an older version (someone else's came mid-typing) are put on top of the base first.
    if (page.editsFrom !== page.base) {
      edited = applyPatch(page.base, mergePatch(page.editsFrom, edited));
      page.editsFrom = page.base;
      $("doc").value = pretty(edited);
    }

    const patch = mergePatch(page.base, edited);
    if (Object.keys(patch).length === 0) {
      $("doc-error").textContent = "Nothing changed.";
      return;
    }

    const key = crypto.randomUUID();
    const change = { key, status: null, badge: null, edited, clickedAt, savedMs: null, doneMs: null, reported: false, conflicted: false };
    if (page.change && !page.change.reported && !page.change.conflicted && !(page.change.status && isFinal(page.change.status))) {
      page.following.add(page.change);
    }

    page.change = change;
    page.sent.set(key, edited);
    clearNews();
    setBadge("saving", "Saving your change…");
    showTimeline([{ name: "received", label: "Received", state: "waiting" }]);
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
          // This tab's earlier changes since that version are not someone else's.
          "X-Session-Id": page.session,
        },
        body: JSON.stringify({ op: "merge", payload: patch }),
      });
    } catch (error) {
      if (error instanceof auth.AuthError) {
        // Refused before it reached anything: nothing was saved.
        page.sent.delete(key);
        if (page.change === change) {
          page.change = null;
          setBadge("attention", error.status === 401 ? `${error.message} Then save again.` : error.message);
          showTimeline([]);
          showDocument(page.latest.document, false);
        }

        return;
      }

      // The request may or may not have arrived: asking again with the same key is safe and tells which.
      if (page.change === change) {
        setBadge("saving", "The connection dropped; checking whether your change arrived…");
        scheduleRefresh();
      }

      return;
    }

    const body = await response.json().catch(() => null);
    if (body && body.state) {
      applyStatus(change, body);
    } else if (body?.intent?.state) {
      // A refusal or a parked conflict (409) carries the intent's status: show it, with its conflict, if any.
      applyStatus(change, body.intent);
    } else if (body && page.change === change) {
      page.sent.delete(key);
      problem(body);
    }
  }

  function problem(body) {
    setBadge("attention", body.detail || body.title || "Your change was not accepted.");
    showTimeline([]);
    showDocument(page.latest.document, false);
  }

  // ---------- a change's status ----------

  async function refresh(change = page.change) {
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
      if ((page.change === change || page.following.has(change)) && body.state) {
        applyStatus(change, body);
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
    page.refreshTimer = window.setTimeout(() => refresh(), REFRESH_MS);
  }

  function isFinal(status) {
    return ["settled", "failed", "rejected"].includes(status.state);
  }

  // Only a parked conflict waits for a person; a merged or resolved one is explained in the message and timeline.
  function badgeFor(status) {
    switch (status.state) {
      case "conflict": return "attention";
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

  function applyStatus(change, status) {
    change.status = status;
    if (typeof status.currentVersion === "number") {
      page.version = Math.max(page.version, status.currentVersion);
    }

    if (typeof status.settledVersion === "number") {
      page.settled = Math.max(page.settled, status.settledVersion);
    }

    showVersions();
    if (typeof status.version === "number" && status.version > page.baseVersion && page.latest.version === status.version) {
      adoptOwn(change.key, status.version, page.latest.document);
    } else if (typeof status.version === "number" && status.version > page.latest.version && page.source?.readyState !== EventSource.OPEN) {
      readOwn(change, status.version); // live, its event is on its way and moves the base; offline, it is read
    } else if (status.state === "rejected" || status.state === "conflict") {
      page.sent.delete(change.key);
    }

    const badge = badgeFor(status);
    measure(change, badge);
    if (page.change !== change) {
      // An earlier change of this tab: the base moved, the one on show is a later one.
      if (change.reported || isFinal(status) || status.state === "conflict") {
        page.following.delete(change);
      }

      return;
    }

    setBadge(badge, status.message || "");
    showTimeline(status.timeline || []);
    if (status.state === "rejected") {
      showDocument(page.latest.document, false);
    } else if (status.version) {
      showDocument(page.latest.version >= status.version ? page.latest.document : change.edited ?? page.latest.document, false);
    }

    if (status.state === "conflict") {
      openConflict(status);
    }

    if (!isFinal(status) && status.state !== "conflict") {
      scheduleRefresh();
    }
  }

  function setBadge(badge, message) {
    const element = $("badge");
    const changed = element.dataset.badge !== badge || $("message").textContent !== message;
    const newBadge = element.dataset.badge !== badge;
    element.dataset.badge = badge;
    element.textContent = BADGES[badge];
    $("message").textContent = message;
    if (page.change) {
      page.change.badge = badge;
    }

    if (newBadge) {
      page.badgeHistory.push(badge);
    }

    if (changed) {
      announce(`${BADGES[badge]}. ${message}`);
    }
  }

  // ---------- what the person perceived ----------

  // From the click to "Saved" and to "Done" as shown, reported once per change (not for one a person had to decide).
  function measure(change, badge) {
    if (change.conflicted || change.reported) {
      return;
    }

    const elapsed = Math.round(performance.now() - change.clickedAt);
    if (change.savedMs === null && ["saved", "updating", "delayed", "done"].includes(badge)) {
      change.savedMs = elapsed;
    }

    if (badge === "done") {
      change.doneMs = elapsed;
    }

    if (change.savedMs !== null && (badge === "done" || isFinal(change.status))) {
      change.reported = true;
      const body = { type: page.type, savedMs: change.savedMs, ...(change.doneMs === null ? {} : { doneMs: change.doneMs }) };
      auth.fetch("/v1/telemetry/perceived", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .catch(() => {}); // a lost report is a lost sample, nothing the person needs to hear about
    }
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
      name.textContent = stage.label ?? "A step";
      li.append(name, ` — ${STAGE_STATES[stage.state] ?? stage.state}`);
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

  // This tab's changes that wait for a decision: shown again when the resource is reopened or the page reloaded.
  async function loadWaiting() {
    let response;
    try {
      response = await auth.fetch(`${resourcePath()}/conflicts?session=${encodeURIComponent(page.session)}`, { headers: { Accept: "application/json" } });
    } catch (error) {
      if (error instanceof auth.AuthError) throw error;
      return; // shown at the next open; the page works without it
    }

    const body = response.ok ? await response.json().catch(() => null) : null;
    page.waiting = body?.items ?? [];
    showWaiting();
  }

  function showWaiting() {
    const items = page.waiting.map((item) => {
      const li = document.createElement("li");
      const fields = (item.conflict?.fields ?? []).map((f) => `“${fieldName(f.path)}”`).join(", ");
      li.append(`Your change to ${fields || "this"} at ${time(item.receivedAt)} waits for your decision. `);
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Decide now";
      button.addEventListener("click", () => decide(item));
      li.append(button);
      return li;
    });
    $("waiting-list").replaceChildren(...items);
    $("waiting").hidden = items.length === 0;
    const showing = page.change?.status;
    if (items.length > 0 && (!showing || isFinal(showing) || showing.state === "conflict")) {
      setBadge("attention", items.length === 1
        ? "One change of yours waits for your decision: someone else changed the same field."
        : `${items.length} changes of yours wait for your decision: someone else changed the same fields.`);
    }
  }

  function decide(item) {
    const status = { state: "conflict", message: item.conflict?.message, conflict: item.conflict };
    page.change = { key: item.key, status, badge: "attention", edited: null, clickedAt: 0, savedMs: null, doneMs: null, reported: false, conflicted: true };
    openConflict(status);
  }

  function openConflict(status) {
    const dialog = $("conflict");
    const conflict = status.conflict ?? {};
    page.change.conflicted = true;
    $("conflict-message").textContent = conflict.message || status.message
      || "Someone changed the same fields after you started editing. Choose which value to keep.";
    const rows = (conflict.fields ?? []).map((field) => {
      const tr = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = fieldName(field.path);
      const mine = document.createElement("td");
      mine.textContent = plain(field.mine);
      const theirs = document.createElement("td");
      theirs.textContent = plain(field.theirs);
      tr.append(name, mine, theirs);
      return tr;
    });
    $("conflict-fields").replaceChildren(...rows);
    if (!$("conflict-value").value) {
      $("conflict-value").value = $("doc").value;
    }

    $("conflict-error").textContent = "";
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

    // The resolved version becomes the base, and the editor shows it (with any edits typed since).
    page.sent.set(change.key, editorDocument() ?? page.editsFrom);
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
    page.waiting = page.waiting.filter((item) => item.key !== change.key);
    showWaiting();
    announce("Resolved.");
    if (answer.state) {
      applyStatus(change, answer);
    } else {
      scheduleRefresh();
    }
  }

  function decideLater() {
    $("conflict").close();
    loadWaiting().catch(() => {}); // signed out meanwhile: shown again after signing in
    announce("Left for later. It waits for your decision under Your last change.");
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

      for (const change of page.following) {
        refresh(change);
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
    const mine = transition.session === page.session;
    const li = document.createElement("li");
    li.dataset.version = String(transition.version);
    li.textContent = `Version ${transition.version}: ${mine ? "your change" : "someone else's change"} at ${time(transition.occurredAt)}`;
    $("events").append(li);

    if (transition.document !== undefined && transition.version > page.latest.version) {
      const document = transition.document ?? {};
      page.latest = { version: transition.version, document };
      if (transition.version > page.baseVersion) {
        if (mine) {
          adoptOwn(transition.intentKey, transition.version, document);
        } else {
          othersVersion(transition.version, document);
        }
      }
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
  $("reload").addEventListener("click", () => loadResource().then(loadWaiting).catch(() => {}));
  $("doc").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      save();
    }
  });
  $("review").addEventListener("click", () => {
    const table = $("review-table");
    table.hidden = !table.hidden;
    $("review").setAttribute("aria-expanded", String(!table.hidden));
    if (!table.hidden && page.news) {
      showReview(page.news.before, page.base);
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
  $("conflict-later").addEventListener("click", decideLater);

  const params = new URLSearchParams(window.location.search);
  if (params.get("type")) $("type").value = params.get("type");
  if (params.get("id")) $("rid").value = params.get("id");
  if (params.get("type") && params.get("id")) open();
})();
