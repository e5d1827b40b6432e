/* SmartWard Learn's service worker, hand-written (docs/offline.md). lms.offline.views serves it at /sw.js
   with CONFIG prepended: {release, offlineUrl, precache, staticPrefix, mediaPrefix}.

   Pages: network first; a fresh copy is stored only when the server marked it (X-Offline-Page: 1, the
   learner's own course pages), so admin pages, answers to forms and APIs are never stored. Without a
   connection the stored copy is shown, or the Vietnamese offline page. Static files: cache first, in a
   cache named after the release. Images and documents: stored with the pages that use them.
   Personal caches (pages, downloaded courses) are emptied when another person (or nobody) signs in:
   every HTML answer names its person (X-Offline-User), and the logout button asks for it too. */
/* global CONFIG */
"use strict";

const STATIC_CACHE = "swl-static-" + CONFIG.release;
const PAGES_CACHE = "swl-pages";
const COURSE_PREFIX = "swl-course-";
const META_CACHE = "swl-meta";
const USER_KEY = "/__offline/user";

const isPersonal = (name) => name === PAGES_CACHE || name.startsWith(COURSE_PREFIX);
const isCurrent = (name) => name === STATIC_CACHE || name === META_CACHE || isPersonal(name);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" })));
      // Take over at once only when no page is open (a first install activates anyway); pages that run
      // the old release get the reload prompt instead of a worker changing under them.
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      if (!open.length) await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (!isCurrent(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function clearPersonal() {
  for (const name of await caches.keys()) {
    if (isPersonal(name)) await caches.delete(name);
  }
  await (await caches.open(META_CACHE)).delete(USER_KEY);
}

async function followPerson(response) {
  const key = response.headers.get("X-Offline-User");
  if (key === null) return;
  const meta = await caches.open(META_CACHE);
  const stored = await meta.match(USER_KEY);
  const storedKey = stored ? await stored.text() : null;
  if (storedKey === key) return;
  if (storedKey !== null) await clearPersonal();
  await meta.put(USER_KEY, new Response(key));
}

async function storePage(request, response) {
  const copy = response.clone();
  await (await caches.open(PAGES_CACHE)).put(request, copy.clone());
  // A downloaded course keeps its copy fresh too.
  for (const name of await caches.keys()) {
    if (!name.startsWith(COURSE_PREFIX)) continue;
    const cache = await caches.open(name);
    if (await cache.match(request, { ignoreVary: true })) await cache.put(request, copy.clone());
  }
}

async function storedPersonal(request) {
  for (const name of await caches.keys()) {
    if (!isPersonal(name)) continue;
    const hit = await (await caches.open(name)).match(request, { ignoreVary: true });
    if (hit) return hit;
  }
  return undefined;
}

async function page(event) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const stored = await storedPersonal(request);
    if (stored) return stored;
    const offline = await caches.match(CONFIG.offlineUrl, { cacheName: STATIC_CACHE, ignoreVary: true });
    return offline || Response.error();
  }
  const work = (async () => {
    // Only a top-level page says who is signed in (a frame, such as the H5P player, has no say).
    if (request.destination === "document") await followPerson(response);
    if (response.ok && !response.redirected && response.headers.get("X-Offline-Page") === "1") {
      await storePage(request, response);
    }
  })();
  event.waitUntil(work);
  await work;
  return response;
}

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

async function contentFile(request, cacheFirst) {
  if (cacheFirst) {
    const hit = await storedPersonal(request);
    if (hit) return hit;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && response.status === 200) {
      await (await caches.open(PAGES_CACHE)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    const stored = await storedPersonal(request);
    if (stored) return stored;
    throw error;
  }
}

// An H5P player page of a downloaded course (docs/offline.md, "H5P activities offline"). The lesson page
// frames it without an opaque sandbox attribute, so its navigation comes here; the page's own policy
// (`sandbox allow-scripts`) still gives its document an opaque origin, whose requests no worker sees: the
// lesson page hands it the files. The grant in the address is a Django signed value,
// `<data>:<time>:<signature>`: the same <data> names the same person, version, lesson and lesson origin, so
// a lesson page stored later (a newer grant) still finds the player page stored with the download. The
// copy plays whatever the grant's age: only the server checks it, and nothing here goes to the server.
const PLAYER_PREFIX = "/h5p/choi/";

async function storedPlayer(path) {
  const grant = decodeURIComponent(path.slice(PLAYER_PREFIX.length).split("/")[0]);
  const data = grant.split(":")[0];
  if (!data) return undefined;
  for (const name of await caches.keys()) {
    if (!name.startsWith(COURSE_PREFIX)) continue;
    const cache = await caches.open(name);
    const exact = await cache.match(path, { ignoreVary: true });
    if (exact) return exact;
    for (const key of await cache.keys()) {
      const stored = new URL(key.url).pathname;
      if (!stored.startsWith(PLAYER_PREFIX) || !/^\/h5p\/choi\/[^/]+\/$/.test(stored)) continue;
      if (decodeURIComponent(stored.slice(PLAYER_PREFIX.length, -1)).split(":")[0] === data) {
        return cache.match(key, { ignoreVary: true });
      }
    }
  }
  return undefined;
}

async function playerPage(request, path) {
  try {
    return await fetch(request);
  } catch (error) {
    // Not downloaded: the browser's error inside the frame, which the lesson page words for the learner.
    return (await storedPlayer(path)) || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate" && path.startsWith(PLAYER_PREFIX) && /^\/h5p\/choi\/[^/]+\/$/.test(path)) {
    event.respondWith(playerPage(request, path));
    return;
  }
  // Never touched: the admin, the login pages, and the H5P files (the lesson page reads them from the cache).
  const skipped = ["/admin/", "/django-admin/", "/tai-khoan/", "/h5p/"];
  if (skipped.some((prefix) => path.startsWith(prefix))) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (path.startsWith(CONFIG.staticPrefix) && !path.startsWith(CONFIG.staticPrefix + "wagtail")) {
    event.respondWith(staticFile(request));
  } else if (path.startsWith(CONFIG.mediaPrefix + "images/")) {
    event.respondWith(contentFile(request, true)); // renditions never change under one URL
  } else if (path.startsWith("/documents/") && request.headers.get("Range") === null) {
    event.respondWith(contentFile(request, false));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "clear-personal") {
    event.waitUntil(
      clearPersonal().then(() => {
        if (event.ports[0]) event.ports[0].postMessage({ type: "cleared" });
      }),
    );
  }
});
