// The trusted side of the H5P bridge, on the lesson page. The player runs in a sandboxed frame with an opaque
// origin; it can only talk to us by postMessage. We accept messages from that frame alone, check their shape,
// and send results and resume state to the server with the learner's session and CSRF token.
// xAPI statements get an id here and wait in the shared outbox (static/js/outbox.js, IndexedDB; a localStorage
// queue when it is absent) until the server has them, so a bad connection delays a result but never loses or
// duplicates it.
(() => {
  "use strict";
  if (window.smartwardH5PLesson) return; // the block template includes this script once per activity
  window.smartwardH5PLesson = true;

  const RETRY_EVERY_MS = 15000;
  const STATE_DELAY_MS = 2000;
  const MAX_STATE_CHARS = 60000;
  const MAX_QUEUE = 200;
  const MAX_FAILURES = 40; // server errors for one statement: about ten minutes of retries every 15 s
  const READY_WAIT_MS = 6000; // after the frame loaded, before asking whether the connection is there
  const KINDS = new Set(["ready", "xapi", "state", "height", "error", "media", "files"]);
  // The only folders a player frame may ask for: one version's files under its signed files key, and the
  // player's own build. Files anyone holding that key can read anyway; never a page of the site.
  const FILE_FOLDERS = [/^\/h5p\/tep\/\d{1,12}-\d{1,8}-[0-9a-f]{32}\/$/, /^\/h5p\/nguon\/[0-9a-f]{16}\/$/];
  const HOST = /^[a-z0-9.-]{1,253}$/;
  const outbox = window.SmartwardOutbox || null; // without it (no signed-in page), the localStorage queue below

  const uuid4 = () => {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === "function") {
      window.crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  const cookie = (name) => {
    const found = document.cookie.split(";").map((c) => c.trim()).find((c) => c.startsWith(`${name}=`));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  };

  const isPlainObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

  // localStorage may be missing or full (private windows): fall back to memory for this page view.
  const memoryStore = new Map();
  const store = {
    read(key) {
      try {
        const raw = window.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : [];
      } catch (error) {
        return memoryStore.get(key) || [];
      }
    },
    write(key, items) {
      memoryStore.set(key, items);
      try {
        if (items.length) window.localStorage.setItem(key, JSON.stringify(items));
        else window.localStorage.removeItem(key);
      } catch (error) {
        // memoryStore keeps them for this page view
      }
    },
  };

  // A downloaded course's H5P files (docs/offline.md), read from the caches "Download for offline study"
  // filled: the sandboxed player cannot reach them itself (no service worker sees its requests).
  async function storedFiles(folders) {
    if (!folders.length || !("caches" in window)) return [];
    const found = new Map();
    for (const name of await caches.keys()) {
      if (!name.startsWith("swl-course-")) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const path = new URL(request.url).pathname;
        if (found.has(path) || !folders.some((folder) => path.startsWith(folder))) continue;
        const response = await cache.match(request, { ignoreVary: true });
        if (response && response.ok) found.set(path, { path, blob: await response.blob() });
      }
    }
    return Array.from(found.values());
  }

  class Activity {
    constructor(root) {
      this.root = root;
      this.frame = root.querySelector("iframe.h5p-player");
      this.result = root.querySelector(".h5p-result");
      this.saveStatus = root.querySelector(".h5p-save-status");
      this.ids = {
        lesson: Number(root.dataset.lesson),
        activity: Number(root.dataset.activity),
        version: Number(root.dataset.version),
      };
      // Keyed by person too: on a shared office PC, one official's unsent results never go out under the
      // next official's login; they wait for their owner to come back.
      this.queueKey = `smartward-h5p-queue:${root.dataset.user}:${this.ids.lesson}:${this.ids.activity}`;
      this.flushing = false;
      this.pendingState = null;
      this.stateTimer = null;
      this.completedShown = false;
      this.ready = false;
      // An activity that was not downloaded cannot open on a lesson page read offline (the worker has no
      // player page for it; docs/offline.md). Say so in words, not with the browser's error page inside the
      // frame, and load the player again when the connection returns.
      if (this.frame) this.frame.addEventListener("load", () => this.checkLoaded());
      // Rule "viewed": the learner says they went through content that reports nothing itself. Sent as an
      // "experienced" statement through the same queue, so it survives a lost connection like any result.
      this.viewedButton = root.querySelector("button[data-h5p-viewed]");
      if (this.viewedButton) {
        this.viewedButton.addEventListener("click", () => {
          this.viewedButton.disabled = true;
          this.enqueue({
            actor: { objectType: "Agent", name: "learner" },
            verb: { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } },
            object: { objectType: "Activity", id: `urn:smartward:h5p:${this.ids.activity}:${this.ids.version}` },
          });
        });
      }
    }

    checkLoaded() {
      window.clearTimeout(this.readyTimer);
      this.readyTimer = window.setTimeout(async () => {
        if (this.ready || !this.msg.pingUrl) return;
        let online = true;
        try {
          await fetch(this.msg.pingUrl, { cache: "no-store", credentials: "omit" });
        } catch (error) {
          online = false;
        }
        if (online || this.ready) return;
        this.root.classList.add("needs-connection");
        this.say(this.msg.msgNeedsConnection);
      }, READY_WAIT_MS);
    }

    reloadIfOffline() {
      if (!this.root.classList.contains("needs-connection")) return;
      this.root.classList.remove("needs-connection");
      if (this.saveStatus && this.saveStatus.textContent === this.msg.msgNeedsConnection) this.say("");
      this.frame.src = this.frame.getAttribute("src");
    }

    get msg() {
      return this.root.dataset;
    }

    csrfToken() {
      const input = this.root.querySelector("input[name=csrfmiddlewaretoken]");
      return cookie("csrftoken") || (input ? input.value : "");
    }

    post(url, body, keepalive = false) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive,
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": this.csrfToken(),
          "X-Requested-With": "fetch",
        },
        body: JSON.stringify(body),
      });
    }

    say(text) {
      if (this.saveStatus && this.saveStatus.textContent !== text) this.saveStatus.textContent = text;
    }

    // xAPI: give the statement our own id (never the package's: a package could reuse one id for every
    // learner), and keep it until the server has answered for it.
    enqueue(statement) {
      const copy = { ...statement, id: uuid4() };
      if (outbox) {
        this.toOutbox({ ...this.ids, statement: copy });
        return;
      }
      const queue = store.read(this.queueKey);
      queue.push({ ...this.ids, statement: copy });
      store.write(this.queueKey, queue.slice(-MAX_QUEUE));
      this.flush();
    }

    // The shared outbox (static/js/outbox.js): IndexedDB, per person, in order with the learner's other actions.
    // The outbox item's id is the statement's id, which the server accepts once.
    toOutbox(item) {
      if (!this.msg.xapiUrl) return;
      outbox
        .add({ kind: "h5p", url: this.msg.xapiUrl, json: item, id: item.statement.id, label: this.msg.label || "" })
        .catch((error) => {
          this.say(error.message);
          outbox.flush();
        });
    }

    outboxEvent(event) {
      const item = event.item;
      if (!item || item.kind !== "h5p" || !item.json || item.json.activity !== this.ids.activity ||
        item.json.lesson !== this.ids.lesson) return;
      // "This activity needs a connection" says more than the outbox's tries without one (every few seconds).
      const waiting = ["sending", "offline", "server", "held"].includes(event.type);
      if (waiting && this.root.classList.contains("needs-connection")) return;
      if (event.type === "sending") this.say(this.msg.msgSaving);
      else if (event.type === "offline" || event.type === "server" || event.type === "held") {
        this.say(this.msg.msgOffline);
      } else if (event.type === "sent") {
        this.say(this.msg.msgSaved);
        this.showOutcome(event.data);
      } else if (event.type === "refused") this.say(`${this.msg.msgRefused} ${event.message}`);
    }

    // Statements an earlier release left in localStorage move to the outbox, keeping their ids.
    adoptOldQueue() {
      const old = store.read(this.queueKey);
      if (!old.length) return;
      Promise.all(old.map((item) => outbox.add({ kind: "h5p", url: this.msg.xapiUrl, id: item.statement.id,
        json: { lesson: item.lesson, activity: item.activity, version: item.version, statement: item.statement } })))
        .then(() => store.write(this.queueKey, []))
        .catch(() => null); // kept where they were; tried again on the next visit
    }

    async flush() {
      if (outbox) {
        outbox.flush();
        return;
      }
      const url = this.msg.xapiUrl;
      if (this.flushing || !url) return;
      this.flushing = true;
      try {
        let queue = store.read(this.queueKey);
        while (queue.length) {
          const item = queue[0];
          this.say(this.msg.msgSaving);
          let response;
          try {
            response = await this.post(url, item, true);
          } catch (error) {
            this.say(this.msg.msgOffline);
            return;
          }
          let data = null;
          try {
            data = await response.json();
          } catch (error) {
            data = null;
          }
          // Keep the statement when the fault is passing: the server or the connection, an ended session
          // (401) or Django's CSRF page (a 403 that is not our JSON). It is sent again after logging in.
          const passing =
            response.status >= 500 ||
            response.status === 408 ||
            response.status === 429 ||
            response.status === 401 ||
            (response.status === 403 && !(data && data.ok === false));
          if (passing) {
            if (response.status >= 500) item.failures = (item.failures || 0) + 1;
            const rest = store.read(this.queueKey).filter((other) => other.statement.id !== item.statement.id);
            // A statement the server keeps failing on must not block the ones behind it for ever.
            if ((item.failures || 0) < MAX_FAILURES) store.write(this.queueKey, [item, ...rest]);
            else store.write(this.queueKey, rest);
            this.say(this.msg.msgOffline);
            return;
          }
          // Re-read: another tab may have changed the queue while we waited.
          queue = store.read(this.queueKey).filter((other) => other.statement.id !== item.statement.id);
          store.write(this.queueKey, queue);
          if (response.ok && data && data.ok) {
            this.say(this.msg.msgSaved);
            this.showOutcome(data);
          } else {
            const reason = data && typeof data.error === "string" ? data.error : `HTTP ${response.status}`;
            this.say(`${this.msg.msgRefused} ${reason}`);
          }
        }
      } finally {
        this.flushing = false;
      }
    }

    showOutcome(data) {
      const result = isPlainObject(data.result) ? data.result : null;
      if (this.result) {
        let text = data.rule_met ? this.msg.msgDone : this.msg.msgNotDone;
        if (result && typeof result.scaled === "number") {
          text += ` · ${this.msg.msgScore.replace("{percent}", String(Math.round(result.scaled * 100)))}`;
        }
        this.result.textContent = text;
        this.result.classList.toggle("status", Boolean(data.rule_met));
        this.result.classList.toggle("status-completed", Boolean(data.rule_met));
      }
      if (this.viewedButton && data.rule_met) {
        (this.viewedButton.closest("p") || this.viewedButton).remove();
        this.viewedButton = null;
      }
      if (data.lesson_completed && !this.completedShown) {
        this.completedShown = true;
        const done = document.createElement("p");
        done.className = "status status-completed h5p-lesson-completed";
        done.textContent = this.msg.msgLessonCompleted;
        if (this.result) this.result.after(done);
        else this.saveStatus.before(done);
      }
      if (data.course_completed && !this.root.querySelector(".h5p-course-completed")) {
        const course = document.createElement("p");
        course.className = "status status-completed h5p-course-completed";
        course.textContent = this.msg.msgCourseCompleted;
        const anchor = this.root.querySelector(".h5p-lesson-completed") || this.result;
        if (anchor) anchor.after(course);
        else this.saveStatus.before(course);
      }
    }

    // Resume state: only the latest matters, sent a moment after it stops changing.
    queueState(data) {
      this.pendingState = data;
      window.clearTimeout(this.stateTimer);
      this.stateTimer = window.setTimeout(() => this.sendState(false), STATE_DELAY_MS);
    }

    async sendState(keepalive) {
      window.clearTimeout(this.stateTimer);
      const data = this.pendingState;
      const url = this.msg.stateUrl;
      if (data === null || !url) return;
      this.pendingState = null;
      const body = { ...this.ids, data_type: "state", sub_content_id: "", data };
      try {
        const response = await this.post(url, body, keepalive);
        if (response.status >= 500 || response.status === 408 || response.status === 429) {
          if (this.pendingState === null) this.pendingState = data;
        }
      } catch (error) {
        if (this.pendingState === null) this.pendingState = data; // sent again when the connection returns
      }
    }

    // Media from another site that did not load: one line per problem, naming the sites (textContent only).
    mediaProblem(problem, host) {
      this.mediaHosts = this.mediaHosts || { blocked: new Set(), unreachable: new Set() };
      if (this.mediaHosts[problem].size >= 10) return;
      this.mediaHosts[problem].add(host);
      let node = this.root.querySelector(`.h5p-media-${problem}`);
      if (!node) {
        node = document.createElement("p");
        node.className = `h5p-media-status h5p-media-${problem} muted`;
        this.root.querySelector(".h5p-status").appendChild(node);
      }
      const template = problem === "unreachable" ? this.msg.msgMediaUnreachable : this.msg.msgMediaBlocked;
      node.textContent = (template || "").replace("{hosts}", Array.from(this.mediaHosts[problem]).join(", "));
    }

    setHeight(height) {
      const clamped = Math.min(4000, Math.max(200, Math.round(height)));
      this.frame.style.height = `${clamped}px`;
    }

    // The frame asks once, before loading anything; it gets an answer in every case (an empty list: the
    // network), sent to that frame alone.
    async sendFiles(prefixes) {
      // One answer at a time: the player asks once as it starts; a package asking again and again waits.
      if (this.filesBusy) return;
      this.filesBusy = true;
      const folders = (Array.isArray(prefixes) ? prefixes : [])
        .filter((folder) => typeof folder === "string" && FILE_FOLDERS.some((pattern) => pattern.test(folder)))
        .slice(0, 2);
      let files = [];
      try {
        files = await storedFiles(folders);
      } catch (error) {
        files = [];
      } finally {
        this.filesBusy = false;
      }
      const target = this.frame.contentWindow;
      // An opaque origin cannot be named as the target: "*", to the frame we made, with its own files only.
      if (target) target.postMessage({ type: "smartward-h5p-files", files }, "*");
    }

    receive(message) {
      switch (message.kind) {
        case "files":
          this.sendFiles(message.prefixes);
          break;
        case "ready":
          this.ready = true;
          this.root.classList.remove("needs-connection");
          this.root.classList.add("is-ready");
          break;
        case "xapi":
          if (isPlainObject(message.statement)) this.enqueue(message.statement);
          break;
        case "state":
          if (typeof message.data === "string" && message.data.length <= MAX_STATE_CHARS) {
            this.queueState(message.data);
          }
          break;
        case "height":
          if (typeof message.height === "number" && Number.isFinite(message.height)) this.setHeight(message.height);
          break;
        case "error":
          this.root.classList.add("has-error");
          this.say(this.msg.msgError);
          break;
        case "media":
          if (typeof message.host === "string" && HOST.test(message.host)) {
            this.mediaProblem(message.problem === "unreachable" ? "unreachable" : "blocked", message.host);
          }
          break;
        default:
          break;
      }
    }
  }

  const activities = Array.from(document.querySelectorAll("[data-h5p-activity]"))
    .map((root) => new Activity(root))
    .filter((activity) => activity.frame);
  if (!activities.length) return;

  window.addEventListener("message", (event) => {
    const activity = activities.find((a) => event.source !== null && event.source === a.frame.contentWindow);
    if (!activity) return;
    const message = event.data;
    if (!isPlainObject(message) || message.type !== "smartward-h5p" || !KINDS.has(message.kind)) return;
    activity.receive(message);
  });

  if (outbox) {
    outbox.listen((event) => activities.forEach((activity) => activity.outboxEvent(event)));
    activities.forEach((activity) => activity.adoptOldQueue());
  }
  const flushAll = () => activities.forEach((activity) => activity.flush());
  window.addEventListener("online", () => {
    activities.forEach((activity) => activity.reloadIfOffline());
    flushAll();
    activities.forEach((activity) => activity.sendState(false));
  });
  window.setInterval(flushAll, RETRY_EVERY_MS);
  window.addEventListener("pagehide", () => activities.forEach((activity) => activity.sendState(true)));
  flushAll(); // statements left over from an earlier visit
})();
