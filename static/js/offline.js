// The offline-capable site (docs/offline.md): registers the service worker, offers a new release with a
// reload prompt, empties this person's stored pages on logout, and runs "Download for offline study".
(() => {
  "use strict";
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;

  const PERSONAL = (name) => name === "swl-pages" || name.startsWith("swl-course-");

  // Logout: nothing of this person stays on the device. The worker empties the caches (it outlives this
  // page, and the next page, made for nobody, makes it empty them anyway); the page starts on it as well.
  // The logout itself is not held up.
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("form[data-offline-logout]")) return;
    try { // which quiz questions the server confirmed (static/js/quiz.js): the person's too
      Object.keys(window.localStorage).filter((key) => key.startsWith("smartward-quiz-answered:"))
        .forEach((key) => window.localStorage.removeItem(key));
    } catch (error) { /* no storage */ }
    const worker = navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "clear-personal" });
    caches.keys().then((names) => Promise.all(names.filter(PERSONAL).map((name) => caches.delete(name))));
  });

  function offerReload(registration) {
    if (document.querySelector(".update-banner")) return;
    const banner = document.createElement("div");
    banner.className = "update-banner";
    banner.setAttribute("role", "status");
    const text = document.createElement("span");
    text.textContent = script.dataset.msgUpdate;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary";
    button.textContent = script.dataset.msgReload;
    button.addEventListener("click", () => {
      if (registration.waiting) registration.waiting.postMessage({ type: "skip-waiting" });
      else window.location.reload();
    });
    banner.append(text, " ", button);
    document.body.prepend(banner);
  }

  const hadController = Boolean(navigator.serviceWorker.controller);
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only a page that already had a worker reloads (the learner asked for it); a first install does not.
    if (reloading || !hadController) return;
    reloading = true;
    window.location.reload();
  });

  // A first install stores the files every page needs; when the connection drops in the middle (or the
  // server does not answer), the install fails and the browser forgets the worker. The page tries again
  // while it stays open, later each time, so that a learner on a bad line still gets offline copies.
  const RETRY_AFTER_MS = [3000, 15000, 60000];

  function retryLater(attempt) {
    if (attempt < RETRY_AFTER_MS.length) window.setTimeout(() => register(attempt + 1), RETRY_AFTER_MS[attempt]);
  }

  function register(attempt) {
    navigator.serviceWorker
      .register(script.dataset.worker, { scope: "/" })
      .then((registration) => {
        const watch = (worker) => {
          worker.addEventListener("statechange", () => {
            if (worker.state === "installed" && navigator.serviceWorker.controller) offerReload(registration);
            if (worker.state === "redundant" && !registration.active) retryLater(attempt);
          });
        };
        if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration);
        if (registration.installing) watch(registration.installing);
        registration.addEventListener("updatefound", () => watch(registration.installing));
      })
      .catch(() => {
        if (!navigator.serviceWorker.controller) retryLater(attempt);
      });
  }
  register(0);

  document.querySelectorAll("[data-offline-course]").forEach(setUpDownload);

  function megabytes(bytes) {
    const lang = document.documentElement.lang || "vi";
    if (bytes < 1024 * 1024) return Math.max(1, Math.ceil(bytes / 1024)).toLocaleString(lang) + " KB";
    return (bytes / (1024 * 1024)).toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB";
  }

  function setUpDownload(panel) {
    const id = panel.dataset.offlineCourse;
    const cacheName = "swl-course-" + id;
    const marker = "/__offline/course/" + id;
    const button = (action) => panel.querySelector(`[data-offline-action="${action}"]`);
    const progress = panel.querySelector(".offline-progress");
    const status = panel.querySelector(".offline-status");
    const say = (text) => {
      status.textContent = text;
    };
    let plan = null;

    function show(state, stored) {
      button("prepare").hidden = state !== "none";
      button("start").hidden = state !== "ready";
      button("remove").hidden = state !== "stored";
      progress.hidden = state !== "busy";
      if (state === "stored") say(panel.dataset.msgDone.replace("{size}", megabytes(stored.bytes)));
    }

    async function readMarker() {
      if (!(await caches.has(cacheName))) return null;
      const hit = await (await caches.open(cacheName)).match(marker);
      return hit ? hit.json() : null;
    }

    async function prepare() {
      say("");
      const response = await fetch(panel.dataset.manifestUrl, { credentials: "same-origin", cache: "no-store" });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(panel.dataset.msgRefused + " " + (data.error || response.status));
        return;
      }
      plan = data;
      say(
        panel.dataset.msgSize.replace("{size}", megabytes(plan.total_bytes)).replace("{files}", plan.files.length),
      );
      if (navigator.storage && navigator.storage.estimate) {
        const { quota, usage } = await navigator.storage.estimate();
        if (quota && quota - usage < plan.total_bytes) {
          say(panel.dataset.msgQuota);
          return;
        }
      }
      show("ready");
    }

    function imagesOf(html, known) {
      const found = [];
      const doc = new DOMParser().parseFromString(html, "text/html");
      doc.querySelectorAll("img[src]").forEach((img) => {
        const url = new URL(img.getAttribute("src"), window.location.href);
        if (url.origin === window.location.origin && !known.has(url.pathname + url.search)) {
          known.add(url.pathname + url.search);
          found.push({ url: url.pathname + url.search, bytes: 0, kind: "image" });
        }
      });
      return found;
    }

    async function start() {
      show("busy");
      const cache = await caches.open(cacheName);
      const queue = plan.files.slice();
      const known = new Set(queue.map((item) => item.url));
      let total = plan.total_bytes;
      let done = 0;
      progress.max = total;
      try {
        while (queue.length) {
          const item = queue.shift();
          const response = await fetch(item.url, { credentials: "same-origin", cache: "no-store" });
          if (response.redirected || response.status !== 200) throw new TypeError("refused " + item.url);
          if (item.kind === "page") queue.push(...imagesOf(await response.clone().text(), known));
          const size = Number(response.headers.get("Content-Length")) || item.bytes;
          await cache.put(item.url, response);
          done += item.bytes || size;
          total = Math.max(total, done);
          progress.max = total;
          progress.value = done;
          say(panel.dataset.msgProgress.replace("{done}", megabytes(done)).replace("{total}", megabytes(total)));
        }
        const stored = { bytes: done, files: known.size, at: new Date().toISOString() };
        await cache.put(marker, new Response(JSON.stringify(stored), { headers: { "Content-Type": "application/json" } }));
        show("stored", stored);
      } catch (error) {
        await caches.delete(cacheName);
        show("none");
        say(error && error.name === "QuotaExceededError" ? panel.dataset.msgQuota : panel.dataset.msgFailed);
      }
    }

    async function remove() {
      await caches.delete(cacheName);
      show("none");
      say(panel.dataset.msgRemoved);
    }

    button("prepare").addEventListener("click", () => prepare().catch(() => say(panel.dataset.msgFailed)));
    button("start").addEventListener("click", start);
    button("remove").addEventListener("click", remove);
    panel.hidden = false;
    readMarker().then((stored) => show(stored ? "stored" : "none", stored), () => show("none"));
  }
})();
