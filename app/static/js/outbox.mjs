// The page's side of the readiness-report outbox (outbox-core.js): a report is saved on this
// device first and then sent, at once when online; otherwise it is tried again with a growing
// pause, on the browser's "online" event, and by the service worker's Background Sync where
// the browser has it (so it may arrive even after the page is closed). Pages tell the customer
// which it is through onDelivery().
import "./outbox-core.js";

const core = globalThis.ValmisOutbox;
export const { SYNC_TAG, CHANNEL, nextDelay } = core;

// What the page says about one report, from what happened to it:
//   queued (online: true) → "sending"   queued offline → "saved"
//   waiting (a try failed) → "saved"    delivered → "sent"    refused → "refused"
// "sent" is final: a later failed repeat of the same id (another context's) changes nothing.
export function nextState(state, event) {
  if (state === "sent") return state;
  switch (event.type) {
    case "queued": return event.online ? "sending" : "saved";
    case "waiting": return "saved";
    case "delivered": return "sent";
    case "refused": return "refused";
    default: return state;
  }
}

// Sends what the outbox holds and keeps trying until it is empty. Everything it touches is
// passed in, so the timing can be tested without a browser.
export class Sender {
  constructor({ flush, pending, setTimer, clearTimer, isOnline, emit, registerSync = () => {} }) {
    Object.assign(this, { flush, pending, setTimer, clearTimer, isOnline, emit, registerSync });
    this.failures = 0;
    this.timer = null;
  }

  // Sends now; when something is left, tries again after the next pause.
  async kick() {
    this.cancel();
    let result;
    try {
      result = await this.flush();
    } catch {
      // IndexedDB itself failed (private mode, storage full): nothing more to do here.
      return null;
    }
    for (const id of result.delivered) this.emit({ type: "delivered", id });
    for (const id of result.refused) this.emit({ type: "refused", id });
    for (const id of result.waiting) this.emit({ type: "waiting", id });
    if (result.waiting.length) {
      this.registerSync();
      this.failures += 1;
      this.schedule(Math.max(nextDelay(this.failures), result.retryAfterMs || 0));
    } else {
      this.failures = 0;
    }
    return result;
  }

  // A new report: try it at once when online; offline, wait for the first pause (or the
  // "online" event, whichever comes first) and say meanwhile that it is saved.
  async queued(id) {
    const online = this.isOnline();
    this.emit({ type: "queued", id, online });
    if (online) return this.kick();
    this.later();
    return null;
  }

  // Offline: no use trying now; try after the first pause unless "online" comes sooner
  // (navigator.onLine can be wrong, so the pauses go on while offline, growing to the cap).
  later() {
    this.registerSync();
    if (this.timer !== null) return;
    this.failures = Math.max(this.failures, 1);
    this.schedule(nextDelay(this.failures));
  }

  // Back online: whatever the pause was, send now.
  online() {
    this.failures = 0;
    return this.kick();
  }

  // Someone else (the service worker) delivered: stop waiting when nothing is left.
  async delivered() {
    const left = await this.pending().catch(() => []);
    if (left.length === 0) {
      this.cancel();
      this.failures = 0;
    }
  }

  schedule(delay) {
    this.cancel();
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.kick();
    }, delay);
  }

  cancel() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}

const listeners = new Set();
let sender = null;

function emit(event) {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      console.warn("outbox listener failed", error);
    }
  }
}

// Asks the service worker to send the outbox when the browser is online again, even if this
// page is closed by then. Without a service worker (not installed yet, or none at all) or
// without Background Sync (Firefox, Safari) it quietly does nothing: the page still retries.
export async function registerSync(nav = globalThis.navigator, scope = globalThis) {
  try {
    if (!nav?.serviceWorker || typeof scope.SyncManager !== "function") return false;
    // getRegistration(), not .ready: .ready never settles when no worker is registered.
    const registration = await nav.serviceWorker.getRegistration();
    if (!registration?.sync || !registration.active) return false;
    await registration.sync.register(SYNC_TAG);
    return true;
  } catch {
    return false;
  }
}

// Starts the outbox on this page, once however often it is called: listens for "online" and
// for deliveries by other contexts, and sends whatever an earlier visit left behind.
export function startOutbox() {
  if (sender) return sender;
  sender = new Sender({
    flush: core.flush,
    pending: core.pending,
    setTimer: (callback, delay) => setTimeout(callback, delay),
    clearTimer: (timer) => clearTimeout(timer),
    isOnline: () => navigator.onLine !== false,
    emit,
    // Only for a report that is waiting: asked for at once, the sync would fire at once too,
    // and the worker would post every report a second time while the page's post is on its way.
    registerSync: () => { registerSync(); },
  });
  window.addEventListener("online", () => sender.online());
  if (typeof BroadcastChannel === "function") {
    // The service worker (and other tabs) say what they delivered, so this page stops
    // saying "saved" and stops trying.
    const channel = new BroadcastChannel(CHANNEL);
    channel.addEventListener("message", ({ data }) => {
      if (data?.type !== "delivered" && data?.type !== "refused") return;
      emit({ type: data.type, id: data.id });
      sender.delivered();
    });
  }
  core.pending().then((left) => {
    if (left.length === 0) return;
    if (navigator.onLine !== false) sender.kick();
    else sender.later();
  }, () => {
    // No IndexedDB here: nothing can have been left behind.
  });
  return sender;
}

// Calls listener({type, id, online?}) for every report's news; returns a function to stop.
export function onDelivery(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Saves a report and sends it (see the top). Answers the report's id once it is saved; if
// saving fails (no IndexedDB), it is still sent once, as before the outbox.
export async function queueReport(url, report) {
  const outbox = startOutbox();
  const entry = {
    id: report.id, url, body: JSON.stringify(report),
    createdAt: report.created_at || new Date().toISOString(), attempts: 0,
  };
  try {
    await core.add(entry);
  } catch {
    // Nothing can wait on this device, so the page says only whether it arrived.
    const fallback = core.createOutbox({ store: core.memoryStore() });
    await fallback.add(entry);
    const result = await fallback.flush();
    for (const id of result.delivered) emit({ type: "delivered", id });
    return report.id;
  }
  outbox.queued(report.id);
  return report.id;
}
