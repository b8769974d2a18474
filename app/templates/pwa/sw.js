// Valmis service worker, release {{ version }}. Made by app/pwa.py from app/templates/pwa/sw.js.
//
// - Install: keep this release's assets (hashed names) and, when a page told us the customer's
//   language and path before, that language's pages again, so that no kept page refers to
//   assets of another release. The new worker then waits until the page says "reload".
// - Activate: delete every cache that is not this release's (an allow-list), take control.
// - Fetch: only same-origin GETs are ours. Hashed assets: cache first. Wizard pages: network
//   first; offline, the kept copy (fetched without cookies, so never personal), else the
//   offline page. The staff area, the API, personal links, manifests and everything else:
//   never cached, never answered from a cache.
// - Sync: Background Sync sends the report outbox (outbox-core.js) even with no page open.

const VERSION = {{ version|tojson }};
const ASSETS_CACHE = `valmis-assets-${VERSION}`;
const PAGES_CACHE = `valmis-pages-${VERSION}`;
// Which language and path the customer uses: a single entry kept across releases.
const STATE_CACHE = "valmis-state";
const STATE_URL = "/__valmis/offline-state";
const ALLOWED = new Set([ASSETS_CACHE, PAGES_CACHE, STATE_CACHE]);
const ASSETS = {{ assets|tojson }};
const OFFLINE_MARK = "data-offline-copy";
const NEVER = [/^\/staff(\/|$)/, /^\/api\//, /^\/r\//, /^\/sw\.js$/, /\.webmanifest$/,
  /^\/offline\/pages\.json$/, /^\/healthz$/, /^\/appointment\.ics$/];

try {
  importScripts({{ outbox_core|tojson }});
} catch (error) {
  // Without the outbox code the worker still serves pages; the page sends reports itself.
}

async function readState() {
  const cache = await caches.open(STATE_CACHE);
  const stored = await cache.match(STATE_URL);
  return stored ? stored.json() : null;
}

async function writeState(state) {
  const cache = await caches.open(STATE_CACHE);
  await cache.put(STATE_URL, new Response(JSON.stringify(state),
    { headers: { "Content-Type": "application/json" } }));
}

// Keep the pages of a language and path, fetched without cookies: the general guide, never
// anyone's personal data. Earlier pages (another language or path) are dropped first.
async function keepPages({ language, path }) {
  const listing = await fetch(`/offline/pages.json?lang=${encodeURIComponent(language)}&path=${encodeURIComponent(path)}`,
    { credentials: "omit", cache: "no-store" });
  if (!listing.ok) return;
  const { pages } = await listing.json();
  const fresh = [];
  for (const url of pages) {
    const response = await fetch(url, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    fresh.push([url, response]);
    // The drawings on the page come along (same-origin SVGs named by language).
    const html = await response.clone().text();
    for (const match of html.matchAll(/src="(\/illustrations\/[^"]+)"/g)) {
      const picture = await fetch(match[1], { credentials: "omit" });
      if (picture.ok) fresh.push([match[1], picture]);
    }
  }
  await caches.delete(PAGES_CACHE);
  const cache = await caches.open(PAGES_CACHE);
  await Promise.all(fresh.map(([url, response]) => cache.put(url, response)));
  await writeState({ language, path });
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(ASSETS_CACHE);
    await cache.addAll(ASSETS);
    const state = await readState();
    if (state) await keepPages(state);
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (!ALLOWED.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "keep-pages" && message.language && message.path) {
    event.waitUntil((async () => {
      const state = await readState();
      const cache = await caches.open(PAGES_CACHE);
      const kept = (await cache.keys()).length > 0;
      if (!kept || !state || state.language !== message.language || state.path !== message.path) {
        await keepPages({ language: message.language, path: message.path });
      }
      if (event.source) event.source.postMessage({ type: "pages-kept", version: VERSION });
    })().catch(() => {
      // Offline or a failing page: keep what there was and try on the next page.
    }));
  } else if (message.type === "version" && event.source) {
    event.source.postMessage({ type: "version", version: VERSION });
  }
});

function ours(request, url) {
  return request.method === "GET" && url.origin === self.location.origin
    && !NEVER.some((pattern) => pattern.test(url.pathname));
}

// A kept page, marked as a copy so that the page can say it is offline.
async function offlineCopy(url) {
  const cache = await caches.open(PAGES_CACHE);
  const kept = await cache.match(url.pathname, { ignoreSearch: true })
    || await cache.match("/offline", { ignoreSearch: true });
  if (!kept) return Response.error();
  const html = (await kept.text()).replace("<html ", `<html ${OFFLINE_MARK} `);
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  return new Response(html, { status: 200, headers });
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (!ours(request, url)) return;
  if (url.pathname.startsWith("/static/")) {
    // Hashed names never change: the cache first, the network for a miss.
    event.respondWith((async () => {
      const cached = await caches.match(request, { cacheName: ASSETS_CACHE });
      return cached || fetch(request);
    })());
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offlineCopy(url)));
  } else if (url.pathname.startsWith("/illustrations/")) {
    event.respondWith(fetch(request).catch(async () => (
      await caches.match(url.pathname, { cacheName: PAGES_CACHE }) || Response.error())));
  }
});

self.addEventListener("sync", (event) => {
  const outbox = self.ValmisOutbox;
  if (outbox && event.tag === outbox.SYNC_TAG) event.waitUntil(outbox.flush());
});
