// The readiness-report outbox: reports wait in IndexedDB until the server has them.
// A classic script, not a module, because the service worker loads it with importScripts()
// (module workers are not everywhere yet) while pages import it for its side effect; it
// therefore declares nothing at the top level (an IIFE) and publishes globalThis.ValmisOutbox.
//
// Delivery is at least once: a report may be posted twice (page and service worker flushing at
// the same moment, or an answer lost on the way back), and that is harmless because the server
// stores a report id once and answers a repeat with 200. Within one context a lock keeps the
// same report from being posted twice at once.
(function (global) {
  "use strict";

  const DB_NAME = "valmis";
  const DB_VERSION = 1;
  const STORE = "outbox";
  const SYNC_TAG = "valmis-outbox";
  const CHANNEL = "valmis-outbox";
  const BASE_DELAY_MS = 2000;
  const MAX_DELAY_MS = 60000;
  // Answers after which the server will never take this body: invalid (400), no such link or
  // expired (404, 410), too big (413), unprocessable (422). Keeping them would retry forever.
  const REFUSED = new Set([400, 404, 410, 413, 422]);

  // How long to wait before the next try after `failures` unsuccessful tries in a row:
  // 2 s, 4 s, 8 s … at most 60 s.
  function nextDelay(failures, base = BASE_DELAY_MS, max = MAX_DELAY_MS) {
    if (!(failures > 0)) return 0;
    return Math.min(max, base * 2 ** Math.min(failures - 1, 30));
  }

  // What an answer means for the entry: "delivered" (remove it), "refused" (remove it, the
  // server will never take it) or "retry" (keep it). A redirected answer is never our API's:
  // it is a captive portal or a sign-in page that happened to end in 200, so keep the report.
  // Everything else (5xx, 408, 429, anything unexpected) may pass, so it is tried again.
  function outcome(response) {
    if (!response || response.redirected) return "retry";
    const status = response.status;
    if (status >= 200 && status < 300) return "delivered";
    if (REFUSED.has(status)) return "refused";
    return "retry";
  }

  // Retry-After in milliseconds (seconds or an HTTP date), or 0 when absent or unreadable.
  function retryAfterMs(response, now = Date.now()) {
    const value = response?.headers?.get?.("Retry-After");
    if (!value) return 0;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const moment = Date.parse(value);
    return Number.isNaN(moment) ? 0 : Math.max(0, moment - now);
  }

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  // The real store: object store "outbox" of database "valmis", keyed by the report id.
  // Each operation is one transaction and resolves only once it has committed, so "saved"
  // means saved: the page may be closed right after.
  function indexedDbStore(factory = global.indexedDB) {
    let opening = null;

    function open() {
      if (!factory) return Promise.reject(new Error("IndexedDB is not available"));
      if (!opening) {
        opening = new Promise((resolve, reject) => {
          const req = factory.open(DB_NAME, DB_VERSION);
          req.onupgradeneeded = () => {
            const db = req.result;
            if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "id" });
          };
          req.onsuccess = () => {
            const db = req.result;
            // A newer version (another tab, a new service worker) needs this connection gone.
            db.onversionchange = () => {
              db.close();
              opening = null;
            };
            resolve(db);
          };
          req.onerror = () => reject(req.error);
          req.onblocked = () => reject(new Error("IndexedDB upgrade blocked"));
        }).catch((error) => {
          opening = null;
          throw error;
        });
      }
      return opening;
    }

    async function run(mode, work) {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        let result;
        Promise.resolve(work(tx.objectStore(STORE))).then((value) => { result = value; }, reject);
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
      });
    }

    return {
      put: (entry) => run("readwrite", (store) => request(store.put(entry)).then(() => undefined)),
      all: () => run("readonly", (store) => request(store.getAll())),
      delete: (id) => run("readwrite", (store) => request(store.delete(id)).then(() => undefined)),
      // Changes an entry only if it is still there, in one transaction: a flush in another
      // context may have delivered and removed it meanwhile, and must not see it come back.
      update: (id, changes) => run("readwrite", async (store) => {
        const entry = await request(store.get(id));
        if (entry) await request(store.put({ ...entry, ...changes }));
      }),
    };
  }

  // A store in memory with the same four operations, for tests and for browsers without
  // IndexedDB (the report then waits only as long as the page is open).
  function memoryStore() {
    const entries = new Map();
    return {
      put: async (entry) => { entries.set(entry.id, structuredClone(entry)); },
      all: async () => [...entries.values()].map((entry) => structuredClone(entry)),
      delete: async (id) => { entries.delete(id); },
      update: async (id, changes) => {
        if (entries.has(id)) entries.set(id, { ...entries.get(id), ...changes });
      },
    };
  }

  function defaultChannel() {
    if (typeof global.BroadcastChannel !== "function") return null;
    try {
      return new global.BroadcastChannel(CHANNEL);
    } catch {
      return null;
    }
  }

  // A report post that has not answered by then is given up for this pass and tried again
  // later: a hung request must not hold every later flush (they join the running one).
  const SEND_TIMEOUT_MS = 30000;

  // fetch, ended after ms: the request is aborted, and the answer is null (no network).
  function sendWithin(send, url, init, ms) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => {
        controller?.abort();
        resolve(null);
      }, ms);
    });
    const sent = Promise.resolve()
      .then(() => send(url, controller ? { ...init, signal: controller.signal } : init));
    return Promise.race([sent, timeout]).finally(() => clearTimeout(timer));
  }

  // An outbox over a store. Options (all replaceable in tests): store, fetch, channel (an
  // object with postMessage, or null), now (ms), keepalive (let a post outlive the page),
  // sendTimeoutMs (how long one post may take).
  function createOutbox(options = {}) {
    let store = options.store || null;
    let channel = options.channel === undefined ? undefined : options.channel;
    const send = options.fetch || ((...args) => global.fetch(...args));
    const now = options.now || (() => Date.now());
    const keepalive = options.keepalive ?? (typeof global.document !== "undefined");
    const sendTimeoutMs = options.sendTimeoutMs ?? SEND_TIMEOUT_MS;
    let running = null;
    let again = false;

    const getStore = () => (store ||= indexedDbStore());
    function announce(message) {
      if (channel === undefined) channel = defaultChannel();
      try {
        channel?.postMessage(message);
      } catch {
        // A closed channel: the others learn of it on their next flush.
      }
    }

    async function add(entry) {
      if (!entry || typeof entry.id !== "string" || !entry.id) throw new TypeError("entry.id is required");
      if (typeof entry.url !== "string" || typeof entry.body !== "string") {
        throw new TypeError("entry.url and entry.body (a JSON string) are required");
      }
      const stored = {
        id: entry.id, url: entry.url, body: entry.body,
        createdAt: entry.createdAt || new Date(now()).toISOString(), attempts: entry.attempts || 0,
      };
      await getStore().put(stored);
      return stored;
    }

    async function pending() {
      const entries = await getStore().all();
      // Oldest first, so that reports reach the server in the order they were made.
      return entries.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
    }

    // One pass over every pending entry.
    async function pass(result) {
      const entries = await pending();
      for (const entry of entries) {
        let response = null;
        try {
          response = await sendWithin(send, entry.url, {
            method: "POST", credentials: "same-origin", keepalive,
            headers: { "Content-Type": "application/json" }, body: entry.body,
          }, sendTimeoutMs);
        } catch {
          response = null;
        }
        const verdict = outcome(response);
        if (verdict === "retry") {
          await getStore().update(entry.id, { attempts: (entry.attempts || 0) + 1 }).catch(() => {});
          result.waiting.push(entry.id);
          result.retryAfterMs = Math.max(result.retryAfterMs, retryAfterMs(response, now()));
          // No network, or the server asks us to slow down: the rest would fare the same.
          // A 5xx may belong to this one body only, so the others still get their turn.
          if (!response || response.status === 429) {
            for (const rest of entries.slice(entries.indexOf(entry) + 1)) result.waiting.push(rest.id);
            break;
          }
          continue;
        }
        await getStore().delete(entry.id);
        if (verdict === "delivered") {
          result.delivered.push(entry.id);
          announce({ type: "delivered", id: entry.id });
        } else {
          result.refused.push(entry.id);
          announce({ type: "refused", id: entry.id, status: response.status });
        }
      }
    }

    // Sends every pending entry. Answers {delivered, refused, waiting: [ids], retryAfterMs}.
    // A flush asked for while one runs joins it, and the running one makes one more pass, so
    // an entry added meanwhile is not left behind and none is posted twice from here.
    function flush() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        const result = { delivered: [], refused: [], waiting: [], retryAfterMs: 0 };
        try {
          do {
            again = false;
            result.waiting = [];
            await pass(result);
          } while (again);
        } finally {
          running = null;
        }
        return result;
      })();
      return running;
    }

    return { add, pending, flush };
  }

  const outbox = createOutbox();
  global.ValmisOutbox = {
    add: outbox.add,
    pending: outbox.pending,
    flush: outbox.flush,
    nextDelay,
    outcome,
    retryAfterMs,
    createOutbox,
    memoryStore,
    indexedDbStore,
    SYNC_TAG,
    CHANNEL,
    DB_NAME,
    STORE,
    BASE_DELAY_MS,
    MAX_DELAY_MS,
  };
})(globalThis);
