// Runs INSIDE the sandboxed player frame (opaque origin, no cookies, no storage of the site): starts
// h5p-standalone on this grant's files and reports to the lesson page by postMessage only. The lesson page
// decides what to send to the server, with the learner's own session.
(() => {
  "use strict";
  const root = document.getElementById("h5p-player");
  const optionsNode = document.getElementById("h5p-player-options");
  if (!root || !optionsNode) return;
  const parentOrigin = root.dataset.parentOrigin;
  const STATE_EVERY_MS = 10000;

  // In an opaque origin even reading window.localStorage throws, and H5P core reads it at start (its
  // offline request queue, the clipboard, the anonymous actor id). Give this page a storage that lives in
  // memory for this page view only: the site's real storage stays out of reach either way.
  const memoryStorage = () => {
    const items = new Map();
    return {
      get length() {
        return items.size;
      },
      key: (index) => Array.from(items.keys())[index] ?? null,
      getItem: (key) => (items.has(String(key)) ? items.get(String(key)) : null),
      setItem: (key, value) => {
        items.set(String(key), String(value));
      },
      removeItem: (key) => {
        items.delete(String(key));
      },
      clear: () => items.clear(),
    };
  };
  // On an origin of the player's own (H5P_PLAYER_ORIGIN) the real storage works but is shared by every
  // package: the memory storage is used there too.
  for (const name of ["localStorage", "sessionStorage"]) {
    try {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true, writable: true });
    } catch (error) {
      // Nothing better to offer: H5P then fails to start and we report it below.
    }
  }

  const post = (message) => {
    if (window.parent === window || !parentOrigin) return;
    try {
      window.parent.postMessage({ type: "smartward-h5p", ...message }, parentOrigin);
    } catch (error) {
      // Only a clone failure lands here; the lesson page then simply misses this message.
    }
  };

  // Plain JSON: statements and states must survive postMessage's structured clone unchanged.
  const plain = (value) => JSON.parse(JSON.stringify(value));

  // With embedType "div" the instance lives in this window; with "iframe" in H5P's own inner frame.
  const currentInstance = () => {
    const here = window.H5P && window.H5P.instances && window.H5P.instances[0];
    if (here) return here;
    const frame = document.querySelector("iframe.h5p-iframe");
    try {
      const inner = frame && frame.contentWindow && frame.contentWindow.H5P;
      return (inner && inner.instances && inner.instances[0]) || null;
    } catch (error) {
      return null;
    }
  };

  let lastState = null;
  const sendState = () => {
    const instance = currentInstance();
    if (!instance || typeof instance.getCurrentState !== "function") return;
    let state;
    try {
      state = instance.getCurrentState();
    } catch (error) {
      return;
    }
    if (state === undefined || state === null) return;
    const data = JSON.stringify(state);
    if (data === lastState) return;
    lastState = data;
    post({ kind: "state", data });
  };

  let lastHeight = 0;
  let heightQueued = false;
  const sendHeight = () => {
    heightQueued = false;
    const height = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY);
    if (Math.abs(height - lastHeight) < 2) return;
    lastHeight = height;
    post({ kind: "height", height });
  };
  const queueHeight = () => {
    if (heightQueued) return;
    heightQueued = true;
    window.requestAnimationFrame(sendHeight);
  };

  // Media on other sites (docs/h5p.md, "External media"): the policy blocks sites an administrator has not
  // allowed, and an allowed site may be unreachable. The lesson page tells the learner which; the rest of
  // the activity keeps working.
  const allowedHosts = new Set((root.dataset.allowedHosts || "").split(" ").filter(Boolean));
  const reportedHosts = new Set();
  const reportMedia = (url) => {
    let parsed;
    try {
      parsed = new URL(url, document.baseURI);
    } catch (error) {
      return;
    }
    if (!/^https?:$/.test(parsed.protocol) || parsed.host === window.location.host) return;
    const host = parsed.hostname.toLowerCase();
    if (reportedHosts.has(host)) return;
    reportedHosts.add(host);
    post({ kind: "media", host, problem: allowedHosts.has(host) ? "unreachable" : "blocked" });
  };
  document.addEventListener(
    "error",
    (event) => {
      const target = event.target;
      if (!target || target === window || typeof target.getAttribute !== "function") return;
      const url = target.currentSrc || target.src || target.getAttribute("src");
      if (url) reportMedia(url);
    },
    true,
  );
  document.addEventListener("securitypolicyviolation", (event) => reportMedia(event.blockedURI));

  const start = async () => {
    const options = JSON.parse(optionsNode.textContent);
    options.frameJs = root.dataset.frameJs;
    options.frameCss = root.dataset.frameCss;
    // "div": the content runs in this (sandboxed) document itself, no nested frame to size or reach.
    options.embedType = "div";
    // h5p-standalone merges an existing window.H5PIntegration into its own; libraryConfig is how the host
    // configures libraries (H5P.MathDisplay: MathJax from our static files, never a CDN).
    if (options.libraryConfig) {
      window.H5PIntegration = { ...(window.H5PIntegration || {}), libraryConfig: options.libraryConfig };
      delete options.libraryConfig;
    }
    if (!window.H5PStandalone || typeof window.H5PStandalone.H5P !== "function") {
      throw new Error("h5p-standalone is not loaded");
    }
    await new window.H5PStandalone.H5P(root, options);
    const H5P = window.H5P;
    if (!H5P || !H5P.externalDispatcher) throw new Error("H5P did not start");
    H5P.externalDispatcher.on("xAPI", (event) => {
      const statement = event && event.data && event.data.statement;
      if (!statement) return;
      post({ kind: "xapi", statement: plain(statement) });
      // An answer usually changes the resume state: offer it soon rather than in 10 s.
      window.setTimeout(sendState, 500);
    });
    post({ kind: "ready" });
    if (typeof ResizeObserver === "function") {
      const observer = new ResizeObserver(queueHeight);
      observer.observe(document.body);
      observer.observe(root);
    } else {
      window.setInterval(queueHeight, 1000);
    }
    window.addEventListener("resize", queueHeight);
    queueHeight();
    window.setInterval(sendState, STATE_EVERY_MS);
    window.addEventListener("pagehide", sendState);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") sendState();
    });
  };

  start().catch((error) => {
    post({ kind: "error", message: String((error && error.message) || error).slice(0, 200) });
  });
})();
