// The outbox: every learner action (a quiz answer, essay text, a submission, "mark as complete") is written
// to IndexedDB first, with an id made here, then sent in order when the connection allows. The server applies
// each id once and answers a repeat with the same reply, so a retry after a lost reply never doubles anything.
// Kept per person (the signed-in user's id): on a shared office PC, another official never sends or sees them.
// Pages listen with SmartwardOutbox.listen(fn) and add with SmartwardOutbox.add({...}); docs/offline.md.
(() => {
  "use strict";
  const root = document.getElementById("outbox");
  if (!root || window.SmartwardOutbox) return;
  const says = root.dataset;
  const user = Number(says.user);
  const DB_NAME = "smartward-outbox";
  const DB_VERSION = 1;
  const STORE = "items";
  const TIMEOUT_MS = 30000;
  // Tried again after a pause: short while the connection is missing (a failed try costs nothing, and the
  // browser does not always say when it is back), longer while the server fails (it must not be hammered).
  const RETRY_FIRST_MS = 2000;
  const RETRY_OFFLINE_MAX_MS = 10000;
  const RETRY_SERVER_MAX_MS = 60000;
  // A tab holding the sending lock longer than its own request may last is stuck (frozen, or its page gone
  // without releasing it): the lock is taken from it; the server applies each id once, so nothing doubles.
  const LOCK_WAIT_MS = TIMEOUT_MS + 5000;

  const uuid4 = () => {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  // This browser's id: with each item's running number (`seq`) it tells the server the learner's order, so
  // that an older answer delayed by the network never replaces a newer one (lms.quiz.services).
  const device = (() => {
    try {
      let id = window.localStorage.getItem("smartward-outbox-device");
      if (!id) {
        id = uuid4();
        window.localStorage.setItem("smartward-outbox-device", id);
      }
      return id;
    } catch (error) {
      return uuid4(); // no storage: this page's answers are still ordered among themselves
    }
  })();

  // ---- Storage. IndexedDB, or this page's memory when it cannot be opened (then the learner is told).
  const memory = new Map();
  let db = null;
  let storageProblem = "";
  const request = (req) =>
    new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const within = (promise, ms) =>
    Promise.race([promise, new Promise((resolve, reject) => {
      window.setTimeout(() => reject(new Error("timeout")), ms);
    })]);
  // Makes the store usable in a version change: the object store and its index are added when missing; one
  // with another key is replaced, with the records it holds that have an id.
  const repair = (req) => {
    const upgrading = req.result;
    const create = () => upgrading.createObjectStore(STORE, { keyPath: "id" });
    if (!upgrading.objectStoreNames.contains(STORE)) {
      create().createIndex("user", "user");
      return;
    }
    const store = req.transaction.objectStore(STORE);
    if (store.keyPath !== "id") {
      store.getAll().onsuccess = (event) => {
        upgrading.deleteObjectStore(STORE);
        const fresh = create();
        fresh.createIndex("user", "user");
        event.target.result
          .filter((item) => item && typeof item === "object" && typeof item.id === "string")
          .forEach((item) => fresh.put(item));
      };
    } else if (!store.indexNames.contains("user")) {
      store.createIndex("user", "user");
    }
  };
  const openAt = (version) =>
    new Promise((resolve, reject) => {
      const req = version ? window.indexedDB.open(DB_NAME, version) : window.indexedDB.open(DB_NAME);
      req.onupgradeneeded = () => repair(req);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      // Blocked: another tab still has the store open; it closes it on `versionchange` (below), then this
      // request goes on by itself.
    });
  const shapeOk = (opened) => {
    if (!opened.objectStoreNames.contains(STORE)) return false;
    const store = opened.transaction(STORE).objectStore(STORE);
    return store.keyPath === "id" && store.indexNames.contains("user");
  };
  const open = async () => {
    if (!window.indexedDB) throw new Error("none");
    let opened;
    try {
      opened = await openAt(DB_VERSION);
    } catch (error) {
      if (error && error.name === "VersionError") {
        // A newer release's store (a page of this release still open after a deploy): used as it is,
        // never deleted with what it holds.
        opened = await openAt(0);
      } else {
        // The browser cannot read it at all (damaged files): nothing in it can be saved; a new one.
        await request(window.indexedDB.deleteDatabase(DB_NAME)).catch(() => null);
        opened = await openAt(DB_VERSION);
      }
    }
    if (shapeOk(opened)) return opened;
    // A damaged store (wrong shape: a crash, another release's leftovers): repaired by a version change,
    // keeping every record it holds.
    const version = opened.version + 1;
    opened.close();
    const repaired = await openAt(version);
    if (shapeOk(repaired)) return repaired;
    repaired.close();
    throw new Error("damaged");
  };
  const connect = () => {
    const opening = open();
    // An old tab that never closes its connection would hold this page up forever: memory after 10 s (a
    // connection opened later is closed, so as not to hold up anyone else).
    return within(opening, 10000)
      .then((opened) => {
        db = opened;
        storageProblem = "";
        // Another tab replacing a damaged store must not wait for this one: close, then open it again.
        opened.onversionchange = () => {
          opened.close();
          if (db === opened) {
            db = null;
            ready = connect();
          }
        };
      })
      .catch(() => {
        storageProblem = says.msgNoStorage;
        opening.then((late) => { if (late !== db) late.close(); }).catch(() => null);
      });
  };
  let ready = connect();

  const valid = (item) =>
    item && typeof item === "object" && typeof item.id === "string" && item.user === user &&
    typeof item.url === "string" && Array.isArray(item.fields) && typeof item.seq === "number";

  const all = async () => {
    await ready;
    if (!db) return [...memory.values()].sort((a, b) => a.seq - b.seq);
    const tx = db.transaction(STORE, "readwrite");
    const items = await request(tx.objectStore(STORE).index("user").getAll(user));
    const good = [];
    for (const item of items) {
      // A damaged record is removed rather than blocking the queue behind it.
      if (valid(item)) good.push(item);
      else tx.objectStore(STORE).delete(item.id);
    }
    memory.forEach((item) => good.push(item)); // what a full disk kept out, for this page view
    return good.sort((a, b) => a.seq - b.seq);
  };
  const write = async (puts, deletes) => {
    await ready;
    deletes.forEach((id) => memory.delete(id));
    if (!db) {
      puts.forEach((item) => memory.set(item.id, item));
      return;
    }
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      try {
        deletes.forEach((id) => store.delete(id));
        puts.forEach((item) => store.put(item));
      } catch (error) {
        tx.abort();
        reject(error);
        return;
      }
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
      tx.onerror = () => null; // onabort follows with the reason
    });
  };

  // A new item and the removal of the older ones it replaces (same `key`, not refused), in one transaction:
  // two answers made in quick succession cannot both read the store before either writes, which left both
  // queued (the older one sent first and shown as saved while the newer one still waited).
  const replace = async (item) => {
    await ready;
    const older = (candidate) => item.key && candidate.key === item.key && candidate.state !== "refused" &&
      candidate.id !== item.id;
    if (!db) {
      [...memory.values()].filter(older).forEach((candidate) => memory.delete(candidate.id));
      memory.set(item.id, item);
      return;
    }
    [...memory.values()].filter(older).forEach((candidate) => memory.delete(candidate.id));
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      let failure = null;
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(failure || tx.error || new DOMException("aborted", "AbortError"));
      tx.onerror = () => null; // onabort follows with the reason
      try {
        if (!item.key) {
          store.put(item);
          return;
        }
        const mine = store.index("user").getAll(user);
        mine.onsuccess = () => {
          try {
            mine.result.filter(older).forEach((candidate) => store.delete(candidate.id));
            store.put(item);
          } catch (error) {
            failure = error; // a full disk: what was stored stays (the whole transaction is undone)
            tx.abort();
          }
        };
      } catch (error) {
        tx.abort();
        reject(error);
      }
    });
  };
  // An item's new state, written only if it is still there: one replaced while it was being sent is gone
  // and stays gone (its refusal concerns an answer the learner already changed).
  const settle = async (item, changes) => {
    await ready;
    if (!db) {
      if (memory.has(item.id)) memory.set(item.id, { ...memory.get(item.id), ...changes });
      return;
    }
    if (memory.has(item.id)) memory.set(item.id, { ...memory.get(item.id), ...changes });
    await new Promise((resolve) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const current = store.get(item.id);
      current.onsuccess = () => {
        if (current.result) store.put({ ...current.result, ...changes });
      };
      tx.oncomplete = () => resolve();
      tx.onabort = () => resolve();
    });
  };

  // ---- Listeners and the indicator.
  const listeners = new Set();
  const held = new Set(); // signed out: kept, sent again once this person is signed in again
  let offline = false;
  let sending = false;
  const emit = (event) => listeners.forEach((listener) => {
    try { listener(event); } catch (error) { /* one page's bug must not stop the queue */ }
  });

  const indicator = document.createElement("div");
  indicator.className = "outbox-indicator";
  indicator.setAttribute("role", "status");
  indicator.setAttribute("aria-live", "polite");
  indicator.hidden = true;
  root.append(indicator);
  const render = async () => {
    const items = await all().catch(() => []);
    const waiting = items.filter((item) => item.state === "pending");
    const refused = items.filter((item) => item.state === "refused");
    indicator.replaceChildren();
    const line = (text, cls) => {
      const p = document.createElement("p");
      p.textContent = text;
      if (cls) p.className = cls;
      indicator.append(p);
      return p;
    };
    if (storageProblem) line(storageProblem, "is-refused");
    if (waiting.length) {
      const n = String(waiting.length);
      if (waiting.every((item) => held.has(item.id))) line(says.msgSignedOut.replace("%s", n));
      else if (offline) line(says.msgOffline.replace("%s", n), "outbox-offline");
      else line(says.msgSending.replace("%s", n));
    }
    if (refused.length) {
      line(says.msgRefusedTitle, "is-refused");
      const list = document.createElement("ul");
      refused.forEach((item) => {
        const li = document.createElement("li");
        li.textContent = `${item.label || ""}${item.label ? ": " : ""}${item.message}`;
        list.append(li);
      });
      indicator.append(list);
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button";
      dismiss.textContent = says.msgDismiss;
      dismiss.addEventListener("click", () => write([], refused.map((item) => item.id)).then(render));
      indicator.append(dismiss);
    }
    indicator.hidden = !indicator.childElementCount;
    emit({ type: "count", waiting: waiting.length, offline });
  };

  // ---- Sending, one at a time, in the order made; across tabs too (Web Locks) when the browser has them.
  let retryDelay = RETRY_FIRST_MS;
  let retryHandle = null;
  const scheduleRetry = (why = "server") => {
    if (retryHandle !== null) return;
    retryHandle = window.setTimeout(() => { retryHandle = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, why === "offline" ? RETRY_OFFLINE_MAX_MS : RETRY_SERVER_MAX_MS);
  };
  const readJson = async (response) => {
    if (!(response.headers.get("Content-Type") || "").startsWith("application/json")) return null;
    try { return await response.json(); } catch (error) { return null; }
  };
  const refusal = (response, data) => {
    if (data && typeof data.message === "string" && data.message) return data.message;
    if (data && typeof data.error === "string" && data.error) return data.error; // the H5P endpoints' word
    if (response.type === "opaqueredirect") return says.msgSignedOutItem;
    const known = { 400: says.msgBadRequest, 403: says.msgForbidden, 404: says.msgNotFound };
    return known[response.status] || says.msgRefused.replace("%s", String(response.status));
  };
  const sendOne = async (item) => {
    // This session's CSRF token, not the one of the page that made the item: it may predate a new sign-in.
    const headers = { "X-Requested-With": "fetch", "X-CSRFToken": says.csrf };
    let body;
    if (item.json) {
      // An H5P statement: JSON, its id (item.id) inside it.
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(item.json);
    } else {
      body = new FormData();
      item.fields.forEach(([name, value]) => body.append(name, value));
      body.set("csrfmiddlewaretoken", says.csrf);
      body.set("client_id", item.id);
      body.set("made_at", item.madeAt);
      body.set("device", item.device || device);
      body.set("device_seq", String(item.seq));
    }
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body,
        headers,
        credentials: "same-origin",
        redirect: "manual", // a redirect here is the login page: the session ended
        signal: window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(TIMEOUT_MS) : undefined,
      });
    } catch (error) {
      return { outcome: "offline" };
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) return { outcome: "server" };
    const data = await readJson(response);
    if (response.ok && !data) return { outcome: "offline" }; // a captive portal's page, not our reply
    if (response.type === "opaqueredirect" || response.status === 401 || response.headers.get("X-Signed-Out") === "1") {
      return { outcome: "held", message: refusal(response, data) };
    }
    if (response.ok && data.ok) return { outcome: "sent", data };
    return { outcome: "refused", message: refusal(response, data), data };
  };
  const drain = async () => {
    for (;;) {
      const items = await all();
      const item = items.find((candidate) => candidate.state === "pending" && !held.has(candidate.id));
      if (!item) return;
      emit({ type: "sending", item });
      const result = await sendOne(item);
      if (result.outcome === "offline" || result.outcome === "server") {
        offline = result.outcome === "offline";
        emit({ type: result.outcome, item });
        scheduleRetry(result.outcome);
        return;
      }
      offline = false;
      retryDelay = RETRY_FIRST_MS;
      if (result.outcome === "held") {
        held.add(item.id);
        emit({ type: "held", item, message: result.message });
        continue;
      }
      if (result.outcome === "sent") {
        held.clear(); // the session is back: what waited for it goes too
        await write([], [item.id]);
        emit({ type: "sent", item, data: result.data });
        tell("sent");
      } else {
        await settle(item, { state: "refused", message: result.message });
        emit({ type: "refused", item, message: result.message, data: result.data });
      }
      render();
    }
  };
  let flushing = null;
  const withLock = (run) => {
    if (!navigator.locks) return run();
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), LOCK_WAIT_MS);
    return navigator.locks
      .request("smartward-outbox", { signal: controller.signal }, () => {
        window.clearTimeout(timer);
        return run();
      })
      .catch((error) => {
        if (!error || error.name !== "AbortError") throw error;
        return navigator.locks.request("smartward-outbox", { steal: true }, run);
      });
  };
  // Other tabs of the site: an item added or sent here means they may send too, now, not at their timer.
  const channel = window.BroadcastChannel ? new BroadcastChannel("smartward-outbox") : null;
  const tell = (type) => {
    if (channel) channel.postMessage({ type, user });
  };
  const flush = () => {
    if (flushing) return flushing.then(() => flush());
    sending = true;
    const run = () => drain().catch(() => scheduleRetry());
    flushing = withLock(run).catch(() => scheduleRetry()).finally(() => {
      flushing = null;
      sending = false;
      render();
    });
    return flushing;
  };

  // ---- Adding. `key` names what the item replaces: a newer answer to the same question supersedes an older
  // one still waiting. A full disk is reported; what was already stored stays.
  let counter = 0;
  const add = async ({ kind, url, fields = [], json = null, id = null, key = "", label = "", state = "pending" }) => {
    const item = {
      id: id || uuid4(),
      json,
      user,
      kind,
      url,
      fields,
      key,
      label,
      state,
      madeAt: new Date().toISOString(),
      device,
      seq: Date.now() * 1000 + (counter++ % 1000),
    };
    try {
      await replace(item);
    } catch (error) {
      const full = error && (error.name === "QuotaExceededError" || /quota/i.test(String(error.message)));
      storageProblem = full ? says.msgFull : says.msgNoStorage;
      render();
      // Not stored on this device: send it now, kept in memory for this page only.
      if (state === "pending") memory.set(item.id, item);
      const error2 = new Error(storageProblem);
      error2.item = item;
      error2.full = full;
      throw error2;
    }
    render();
    if (state === "pending") {
      flush();
      tell("added");
    }
    return item;
  };
  const remove = (ids) => write([], ids).then(render);

  window.SmartwardOutbox = {
    ready,
    add,
    remove,
    all,
    uuid4,
    flush,
    listen: (listener) => listeners.add(listener),
    get offline() { return offline; },
    get sending() { return sending; },
  };
  // Plain forms marked data-outbox (e.g. "Mark as complete"): queued like the rest; the page the server names
  // opens once it has the action. Without JavaScript they post as before.
  document.querySelectorAll("form[data-outbox]").forEach((form) => {
    const note = document.createElement("p");
    note.className = "muted";
    note.setAttribute("aria-live", "polite");
    form.append(note);
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      event.preventDefault();
      const fields = [...new FormData(form)].filter(([name, value]) => typeof value === "string" &&
        name !== "csrfmiddlewaretoken");
      add({ kind: "form", url: form.action, fields, key: form.action, label: form.dataset.outbox })
        .catch((error) => { note.textContent = error.message; flush(); });
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
    });
    listeners.add((event) => {
      if (!event.item || event.item.url !== form.action) return;
      if (event.type === "sent") window.location.assign(event.data.url || window.location.href);
      else if (event.type === "offline" || event.type === "server") note.textContent = says.msgQueued;
      else if (event.type === "refused" || event.type === "held") note.textContent = event.message;
    });
  });
  all().then((items) => {
    items.forEach((item) => {
      const form = [...document.querySelectorAll("form[data-outbox]")].find((f) => f.action === item.url);
      if (form && item.state === "pending") form.querySelector("p.muted:last-child").textContent = says.msgQueued;
    });
  }).catch(() => null);

  // Sending starts again at once, not at the retry timer, whenever the connection may be back: the browser
  // says so (`online`; it does not when only the route to the server was cut), another tab added or sent
  // something, the learner comes back to this tab (timers of hidden tabs are slowed down), or the page is
  // shown again from the back/forward cache.
  const wake = () => {
    window.clearTimeout(retryHandle);
    retryHandle = null;
    retryDelay = RETRY_FIRST_MS;
    flush();
  };
  window.addEventListener("online", wake);
  if (channel) {
    channel.onmessage = (event) => {
      if (event.data && event.data.user === user) wake();
    };
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) wake();
  });
  window.addEventListener("offline", () => { offline = true; render(); });
  ready.then(() => { render(); flush(); });
})();
