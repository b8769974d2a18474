import { test } from "node:test";
import assert from "node:assert/strict";
import { Sender, SYNC_TAG, nextState, registerSync } from "../../app/static/js/outbox.mjs";

const { createOutbox, memoryStore } = globalThis.ValmisOutbox;

// Timers the test fires by hand: each scheduled callback with its delay.
function fakeTimers() {
  const timers = new Map();
  let next = 1;
  return {
    timers,
    setTimer: (callback, delay) => { timers.set(next, { callback, delay }); return next++; },
    clearTimer: (id) => timers.delete(id),
    delays: () => [...timers.values()].map((timer) => timer.delay),
    async fire() {
      const [[id, timer]] = timers;
      timers.delete(id);
      timer.callback();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

// A sender whose flush answers from a list of results; events and flushes are recorded.
function senderWith(results, { online = true, pending = [] } = {}) {
  const clock = fakeTimers();
  const events = [];
  const syncs = [];
  let flushes = 0;
  const sender = new Sender({
    flush: async () => {
      flushes += 1;
      const next = results.length > 1 ? results.shift() : results[0];
      if (next instanceof Error) throw next;
      return { delivered: [], refused: [], waiting: [], retryAfterMs: 0, ...next };
    },
    pending: async () => pending,
    ...clock,
    isOnline: () => online,
    emit: (event) => events.push(event),
    registerSync: () => syncs.push(true),
  });
  return { sender, clock, events, syncs, flushes: () => flushes };
}

test("what the page says follows what happened to the report", () => {
  assert.equal(nextState(null, { type: "queued", online: true }), "sending");
  assert.equal(nextState(null, { type: "queued", online: false }), "saved");
  assert.equal(nextState("sending", { type: "waiting" }), "saved");
  assert.equal(nextState("sending", { type: "delivered" }), "sent");
  assert.equal(nextState("saved", { type: "delivered" }), "sent");
  assert.equal(nextState("saved", { type: "refused" }), "refused");
  assert.equal(nextState("saved", { type: "something else" }), "saved");
});

test("once sent, a report stays sent whatever a repeat meets", () => {
  for (const type of ["waiting", "refused", "queued"]) {
    assert.equal(nextState("sent", { type, online: false }), "sent", type);
  }
});

test("online, a new report is sent at once and nothing is scheduled", async () => {
  const { sender, clock, events, flushes } = senderWith([{ delivered: ["r1"] }]);
  await sender.queued("r1");
  assert.equal(flushes(), 1);
  assert.deepEqual(events, [{ type: "queued", id: "r1", online: true }, { type: "delivered", id: "r1" }]);
  assert.deepEqual(clock.delays(), []);
});

test("offline, a new report is not posted but waits 2 s for the first try", async () => {
  const { sender, clock, events, flushes } = senderWith([{ delivered: ["r1"] }], { online: false });
  await sender.queued("r1");
  assert.equal(flushes(), 0);
  assert.deepEqual(events, [{ type: "queued", id: "r1", online: false }]);
  assert.deepEqual(clock.delays(), [2000]);
});

test("failed tries wait 2, 4, 8 … s, at most 60 s, and a success ends the waiting", async () => {
  const failing = { waiting: ["r1"] };
  const results = [failing, failing, failing, failing, failing, failing, failing, { delivered: ["r1"] }];
  const { sender, clock, flushes } = senderWith(results);
  await sender.queued("r1");
  const delays = [];
  while (clock.timers.size) {
    delays.push(...clock.delays());
    await clock.fire();
  }
  assert.deepEqual(delays, [2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  assert.equal(flushes(), 8);
  assert.equal(sender.failures, 0);
});

test("Background Sync is asked for only when a report has to wait", async () => {
  // Asked for at once, the sync would fire at once and the worker would post the report a
  // second time while the page's own post is on its way.
  const delivered = senderWith([{ delivered: ["r1"] }]);
  await delivered.sender.queued("r1");
  assert.equal(delivered.syncs.length, 0);

  const failed = senderWith([{ waiting: ["r1"] }]);
  await failed.sender.queued("r1");
  assert.equal(failed.syncs.length, 1);

  const offline = senderWith([{}], { online: false });
  await offline.sender.queued("r1");
  assert.equal(offline.syncs.length, 1);
});

test("a longer Retry-After wins over the pause", async () => {
  const { sender, clock } = senderWith([{ waiting: ["r1"], retryAfterMs: 30000 }]);
  await sender.kick();
  assert.deepEqual(clock.delays(), [30000]);
});

test("a failed try says the report is saved", async () => {
  const { sender, events } = senderWith([{ waiting: ["r1"] }]);
  await sender.queued("r1");
  assert.deepEqual(events.at(-1), { type: "waiting", id: "r1" });
});

test("back online, the report goes at once and the long pause is forgotten", async () => {
  const failing = { waiting: ["r1"] };
  const { sender, clock, flushes } = senderWith([failing, failing, failing, { delivered: ["r1"] }]);
  await sender.kick();
  await sender.kick();
  await sender.kick();
  assert.deepEqual(clock.delays(), [8000]);
  await sender.online();
  assert.equal(flushes(), 4);
  assert.deepEqual(clock.delays(), [], "nothing left, nothing scheduled");
  assert.equal(sender.failures, 0);
});

test("offline twice does not pile up timers", async () => {
  const { sender, clock } = senderWith([{}], { online: false });
  await sender.queued("r1");
  await sender.queued("r2");
  assert.equal(clock.timers.size, 1);
});

test("a delivery by the service worker stops the waiting only when nothing is left", async () => {
  const waiting = senderWith([{ waiting: ["r1", "r2"] }], { pending: [{ id: "r2" }] });
  await waiting.sender.kick();
  await waiting.sender.delivered();
  assert.equal(waiting.clock.timers.size, 1, "r2 still waits");

  const empty = senderWith([{ waiting: ["r1"] }], { pending: [] });
  await empty.sender.kick();
  await empty.sender.delivered();
  assert.equal(empty.clock.timers.size, 0);
});

test("a broken IndexedDB does not throw out of the page", async () => {
  const { sender, clock } = senderWith([new Error("QuotaExceededError")]);
  assert.equal(await sender.kick(), null);
  assert.equal(clock.timers.size, 0);
});

test("a report made offline is delivered once the network is back, and only once", async () => {
  // The real outbox over a memory store, with a network that is down and then up.
  let up = false;
  const posted = [];
  const outbox = createOutbox({
    store: memoryStore(), channel: null, keepalive: false,
    fetch: async (url, init) => {
      if (!up) throw new TypeError("Failed to fetch");
      posted.push(JSON.parse(init.body).id);
      return { status: 201, redirected: false, headers: { get: () => null } };
    },
  });
  const clock = fakeTimers();
  const states = [];
  let state = null;
  const sender = new Sender({
    flush: outbox.flush, pending: outbox.pending, ...clock, isOnline: () => up,
    emit: (event) => { state = nextState(state, event); states.push(state); },
  });
  await outbox.add({ id: "r1", url: "/reports", body: "{\"id\":\"r1\"}" });
  await sender.queued("r1");
  assert.deepEqual(clock.delays(), [2000]);
  await clock.fire(); // the first try, still offline
  assert.equal(state, "saved");
  assert.deepEqual(clock.delays(), [4000]);
  up = true;
  await Promise.all([sender.online(), sender.online()]);
  assert.deepEqual(posted, ["r1"]);
  assert.equal(state, "sent");
  assert.deepEqual(await outbox.pending(), []);
  assert.equal(clock.timers.size, 0);
  assert.deepEqual([...new Set(states)], ["saved", "sent"]);
});

test("Background Sync is asked for only where a worker and SyncManager exist", async () => {
  const registered = [];
  const registration = { active: {}, sync: { register: async (tag) => registered.push(tag) } };
  const worker = { getRegistration: async () => registration };
  const scope = { SyncManager: function SyncManager() {} };

  assert.equal(await registerSync({}, scope), false, "no service worker support");
  assert.equal(await registerSync({ serviceWorker: worker }, {}), false, "no Background Sync");
  assert.equal(await registerSync({ serviceWorker: { getRegistration: async () => undefined } }, scope),
    false, "no worker registered yet");
  assert.equal(await registerSync({ serviceWorker: { getRegistration: async () => ({ ...registration, active: null }) } }, scope),
    false, "the worker is not active yet");
  assert.deepEqual(registered, []);
  assert.equal(await registerSync({ serviceWorker: worker }, scope), true);
  assert.deepEqual(registered, [SYNC_TAG]);

  const refusing = { getRegistration: async () => ({ active: {}, sync: { register: async () => { throw new Error("denied"); } } }) };
  assert.equal(await registerSync({ serviceWorker: refusing }, scope), false);
});
