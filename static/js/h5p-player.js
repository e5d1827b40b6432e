// Runs INSIDE the sandboxed player frame (opaque origin, no cookies, no storage of the site): starts
// h5p-standalone on this grant's files and reports to the lesson page by postMessage only. The lesson page
// decides what to send to the server, with the learner's own session.
// Inlined in the player page (lms/h5p/views.py): a stored copy of the page, served by the service worker
// without a connection, starts with it. Before loading anything it asks the lesson page for the activity's
// files from a downloaded course; when it has them it serves them from blob: addresses made here, since no
// service worker sees this frame's own requests (docs/offline.md, "H5P activities offline").
(() => {
  "use strict";
  const root = document.getElementById("h5p-player");
  const optionsNode = document.getElementById("h5p-player-options");
  if (!root || !optionsNode) return;
  const parentOrigin = root.dataset.parentOrigin;
  const STATE_EVERY_MS = 10000;
  const FILES_WAIT_MS = 8000; // a lesson page of an older release never answers: then the network

  // The package's code must never run with the lesson page's origin. The page's own policy
  // (`sandbox allow-scripts`) makes this document's origin opaque; should anything have stripped that
  // header on the way, nothing of the package is loaded.
  if (window.origin !== "null" && String(window.origin).toLowerCase() === String(parentOrigin).toLowerCase()) {
    return;
  }

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

  // Files handed over by the lesson page: address (without query) -> {blob, url}. Every way H5P and
  // h5p-standalone load a file goes through here: fetch (JSON), script and link elements, media and image
  // addresses, and H5P.getPath for the content's own files; library styles get their url() rewritten.
  const stored = new Map();
  const absolute = (value) => {
    try {
      const url = new URL(String(value), document.baseURI);
      url.hash = "";
      return url;
    } catch (error) {
      return null;
    }
  };
  const storedFile = (value) => {
    if (!stored.size || typeof value !== "string" || /^(blob|data):/i.test(value)) return null;
    const url = absolute(value);
    if (!url || url.origin !== window.location.origin) return null;
    return stored.get(url.pathname) || null;
  };
  const storedUrl = (value) => {
    const file = storedFile(value);
    return file ? file.url : value;
  };

  const askFiles = (prefixes) =>
    new Promise((resolve) => {
      if (window.parent === window || !parentOrigin) {
        resolve([]);
        return;
      }
      let timer = null;
      let again = null;
      const finish = (files) => {
        window.clearTimeout(timer);
        window.clearInterval(again);
        window.removeEventListener("message", listen);
        resolve(files);
      };
      const listen = (event) => {
        if (event.source !== window.parent || event.origin !== parentOrigin) return;
        const data = event.data;
        if (!data || data.type !== "smartward-h5p-files") return;
        finish(Array.isArray(data.files) ? data.files : []);
      };
      window.addEventListener("message", listen);
      timer = window.setTimeout(() => finish([]), FILES_WAIT_MS);
      // Asked again each second: this frame may start before the lesson page's deferred script listens.
      const ask = () => post({ kind: "files", prefixes });
      again = window.setInterval(ask, 1000);
      ask();
    });

  const CSS_URL = /url\(\s*(["']?)([^"')]+)\1\s*\)/g;
  const install = async (files) => {
    const styles = [];
    for (const file of files) {
      if (!file || typeof file.path !== "string" || !(file.blob instanceof Blob)) continue;
      if (/\.css$/i.test(file.path)) styles.push(file);
      else stored.set(file.path, { blob: file.blob, url: URL.createObjectURL(file.blob) });
    }
    for (const file of styles) {
      const base = new URL(file.path, window.location.origin);
      const text = (await file.blob.text()).replace(CSS_URL, (whole, quote, address) => {
        if (/^(data|blob):/i.test(address) || address.startsWith("#")) return whole;
        const target = new URL(address, base);
        const found = stored.get(target.pathname);
        return found ? `url("${found.url}")` : whole;
      });
      const blob = new Blob([text], { type: "text/css" });
      stored.set(file.path, { blob, url: URL.createObjectURL(blob) });
    }
    if (!stored.size) return;
    const originalFetch = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const file = storedFile(typeof input === "string" ? input : input && input.url);
      if (!file) return originalFetch(input, init);
      return Promise.resolve(new Response(file.blob, { status: 200, headers: { "Content-Type": file.blob.type } }));
    };
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function openStored(method, url, ...rest) {
      return open.call(this, method, storedUrl(url), ...rest);
    };
    const rewire = (proto, name) => {
      const descriptor = proto && Object.getOwnPropertyDescriptor(proto, name);
      if (!descriptor || !descriptor.set) return;
      Object.defineProperty(proto, name, {
        ...descriptor,
        set(value) {
          descriptor.set.call(this, storedUrl(value));
        },
      });
    };
    rewire(HTMLScriptElement.prototype, "src");
    rewire(HTMLLinkElement.prototype, "href");
    rewire(HTMLImageElement.prototype, "src");
    rewire(HTMLMediaElement.prototype, "src");
    rewire(HTMLSourceElement.prototype, "src");
    rewire(window.HTMLTrackElement && HTMLTrackElement.prototype, "src");
    const setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function setStoredAttribute(name, value) {
      const lower = String(name).toLowerCase();
      const changed = lower === "src" || lower === "href" ? storedUrl(value) : value;
      return setAttribute.call(this, name, changed);
    };
    // H5P core builds the content's file addresses in H5P.getPath: wrap it as soon as the core has loaded.
    document.addEventListener(
      "load",
      (event) => {
        const H5P = window.H5P;
        if (!(event.target instanceof HTMLScriptElement) || !H5P || typeof H5P.getPath !== "function") return;
        if (H5P.getPath.smartwardStored) return;
        const getPath = H5P.getPath;
        H5P.getPath = function storedPath(...args) {
          return storedUrl(getPath.apply(this, args));
        };
        H5P.getPath.smartwardStored = true;
      },
      true,
    );
  };

  const loadScript = (address) =>
    new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.addEventListener("load", resolve);
      script.addEventListener("error", () => reject(new Error("h5p-standalone could not be loaded")));
      script.src = address;
      document.head.appendChild(script);
    });

  const start = async () => {
    const options = JSON.parse(optionsNode.textContent);
    const files = await askFiles([`${options.h5pJsonPath}/`, root.dataset.assetsBase]);
    await install(files);
    await loadScript(root.dataset.mainJs);
    options.frameJs = root.dataset.frameJs;
    options.frameCss = root.dataset.frameCss;
    // "div": the content runs in this (sandboxed) document itself, no nested frame to size or reach.
    options.embedType = "div";
    // h5p-standalone merges an existing window.H5PIntegration into its own; libraryConfig is how the host
    // configures libraries (H5P.MathDisplay: MathJax from our static files, never from another site).
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
