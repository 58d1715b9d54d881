// Signing in, shared by the people's page and the operator page. The API needs a key on everything but the pages
// themselves: the page asks for it once in a small form, keeps it in sessionStorage for this browser tab (both pages
// use the same name, so signing in on one covers the other), sends it as "Authorization: Bearer <key>" on every
// fetch and as ?access_token=<key> on event streams (EventSource cannot send headers). A 401 forgets the key and asks
// again; a 403 says the key may not do that.
"use strict";

(() => {
  const STORAGE = "oc.apiKey";
  const MAX_TEXT = 200;
  const MESSAGES = {
    ask: "Sign in with your API key.",
    refused: "That key was not accepted. Sign in with your API key.",
    signedOut: "You signed out. Sign in with your API key.",
    forbidden: "This key may not do that (it needs the operator role).",
  };

  const $ = (id) => document.getElementById(id);
  const listeners = [];

  // A refused request: status 401 (no key, or not accepted) or 403 (the key may not do that).
  class AuthError extends Error {
    constructor(status, message) {
      super(message);
      this.name = "AuthError";
      this.status = status;
    }
  }

  // Text from elsewhere is only ever set as text (never HTML), and cut to a readable length.
  function shorten(text, max = MAX_TEXT) {
    const value = String(text ?? "");
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
  }

  function key() {
    try {
      return window.sessionStorage.getItem(STORAGE) || null;
    } catch {
      return null; // storage switched off: the person signs in on every page load
    }
  }

  function store(value) {
    try {
      if (value) {
        window.sessionStorage.setItem(STORAGE, value);
      } else {
        window.sessionStorage.removeItem(STORAGE);
      }
    } catch {
      // Nothing kept; nothing to forget.
    }
  }

  function notify(signedIn) {
    for (const listener of listeners) {
      try {
        listener(signedIn);
      } catch (error) {
        console.error(error);
      }
    }
  }

  function showProblem(text) {
    const problem = $("auth-problem");
    if (problem) {
      problem.textContent = shorten(text);
    }
  }

  // The form, with a plain message; the field gets the focus when a person has something to do there.
  function showForm(message, focus) {
    $("signin-message").textContent = shorten(message);
    $("signin").hidden = false;
    $("auth").hidden = true;
    showProblem("");
    if (focus) {
      $("api-key").focus();
    }
  }

  function showSignedIn() {
    $("signin").hidden = true;
    $("auth").hidden = false;
    $("api-key").value = "";
    showProblem("");
  }

  function signIn(event) {
    event.preventDefault();
    const value = $("api-key").value.trim();
    if (!value) {
      showForm(MESSAGES.ask, true);
      return;
    }

    store(value);
    showSignedIn();
    notify(true);
  }

  function signOut(event) {
    event?.preventDefault();
    store(null);
    showForm(MESSAGES.signedOut, true);
    notify(false);
  }

  // "These credentials may not do this: it needs the writer role." -> "the writer role".
  function needed(detail) {
    const match = /it needs (.+?)\.?$/.exec(String(detail ?? ""));
    return match ? match[1] : null;
  }

  // fetch with the key. Refusals throw an AuthError after saying so on the page.
  async function authFetch(url, options = {}) {
    const current = key();
    if (!current) {
      showForm(MESSAGES.ask, false);
      throw new AuthError(401, MESSAGES.ask);
    }

    const headers = new Headers(options.headers ?? {});
    headers.set("Authorization", `Bearer ${current}`);
    const response = await fetch(url, { ...options, headers });
    if (response.status === 401) {
      // Only the key that was refused is forgotten: the person may have signed in with another meanwhile.
      if (key() === current) {
        store(null);
        showForm(MESSAGES.refused, true);
        notify(false);
      }

      throw new AuthError(401, MESSAGES.refused);
    }

    if (response.status === 403) {
      const body = await response.json().catch(() => null);
      const role = needed(body?.detail);
      const message = role ? `This key may not do that (it needs ${role}).` : MESSAGES.forbidden;
      showProblem(message);
      throw new AuthError(403, shorten(message));
    }

    return response;
  }

  // An event stream's address with the key as ?access_token=, whether or not it already has a query; null signed out.
  function eventSourceUrl(path) {
    const current = key();
    if (!current) {
      return null;
    }

    const url = new URL(path, window.location.href);
    url.searchParams.set("access_token", current);
    return url.origin === window.location.origin ? `${url.pathname}${url.search}` : url.href;
  }

  // The page's own wiring: (signedIn: boolean) => void, called after signing in, out, or a refused key.
  function onChange(listener) {
    listeners.push(listener);
  }

  // The same sign-in form on both pages, written once here (fixed markup: nothing from elsewhere goes into it).
  $("signin-slot").outerHTML = `
    <p id="auth" class="auth" hidden>Signed in · <a href="#signin" id="signout">Sign out</a> <span id="auth-problem" class="error" role="alert"></span></p>
    <form id="signin" class="signin panel" aria-labelledby="signin-title" hidden>
      <h2 id="signin-title">Sign in</h2>
      <p id="signin-message" role="alert">Sign in with your API key.</p>
      <div class="signin-row">
        <label for="api-key">API key</label>
        <input id="api-key" name="key" type="password" required autocomplete="current-password" spellcheck="false" aria-describedby="signin-help">
        <button type="submit" id="signin-button">Sign in</button>
      </div>
      <p id="signin-help" class="meta">The key is kept in this browser tab until you sign out or close it. The API prints an operator key on its first start.</p>
    </form>`;

  $("signin").addEventListener("submit", signIn);
  $("signout").addEventListener("click", signOut);
  if (key()) {
    showSignedIn();
  } else {
    showForm(MESSAGES.ask, false);
  }

  window.ocAuth = { AuthError, key, fetch: authFetch, eventSourceUrl, onChange, signOut, shorten, storageName: STORAGE };
})();
