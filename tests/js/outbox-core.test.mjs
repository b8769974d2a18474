// outbox-core.js is a classic script (the service worker loads it with importScripts); in Node
// importing it runs it once, and it publishes globalThis.ValmisOutbox as in a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../../app/static/js/outbox-core.js";

const { createOutbox, memoryStore, nextDelay, outcome, retryAfterMs } = globalThis.ValmisOutbox;

const URL = "/api/v1/invites/abc/reports";
const entry = (id, createdAt = "2099-12-01T10:00:00.000Z") => ({
  id, url: URL, body: JSON.stringify({ id, created_at: createdAt }), createdAt, attempts: 0,
});

// A response as fetch gives it: a status, maybe a header, maybe redirected.
const answer = (status, headers = {}, redirected = false) => ({
  status, redirected, headers: { get: (name) => headers[name] ?? null },
});

// A fetch that answers from a list (a status, a response, or an Error to throw) and notes
// every request it gets.
function fakeFetch(...answers) {
  const calls = [];
  const send = async (url, init) => {
    calls.push({ url, init, id: JSON.parse(init.body).id });
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (next instanceof Error) throw next;
    return typeof next === "number" ? answer(next) : next;
  };
  return Object.assign(send, { calls });
}

function fakeChannel() {
  const messages = [];
  return { messages, postMessage: (message) => messages.push(message) };
}

function outboxWith(fetch, entries = []) {
  const store = memoryStore();
  const channel = fakeChannel();
  const outbox = createOutbox({ store, fetch, channel, keepalive: false });
  return Promise.all(entries.map((e) => outbox.add(e))).then(() => ({ outbox, store, channel }));
}

test("the pause grows from 2 s, doubling, to at most 60 s; none before the first failure", () => {
  assert.equal(nextDelay(0), 0);
  assert.equal(nextDelay(1), 2000);
  assert.equal(nextDelay(2), 4000);
  assert.equal(nextDelay(3), 8000);
  assert.equal(nextDelay(5), 32000);
  assert.equal(nextDelay(6), 60000);
  assert.equal(nextDelay(1000), 60000);
});

test("2xx is delivered; 400, 404, 413 are refused for good; the rest is tried again", () => {
  for (const status of [200, 201, 204]) assert.equal(outcome(answer(status)), "delivered", status);
  for (const status of [400, 404, 410, 413, 422]) assert.equal(outcome(answer(status)), "refused", status);
  for (const status of [408, 429, 500, 502, 503, 401, 403]) assert.equal(outcome(answer(status)), "retry", status);
  assert.equal(outcome(null), "retry", "no answer at all: offline");
  // A captive portal's sign-in page after a redirect is not our server taking the report.
  assert.equal(outcome(answer(200, {}, true)), "retry");
});

test("Retry-After is read in seconds or as a date", () => {
  assert.equal(retryAfterMs(answer(429, { "Retry-After": "7" })), 7000);
  const now = Date.parse("2099-12-01T10:00:00Z");
  assert.equal(retryAfterMs(answer(429, { "Retry-After": "Tue, 01 Dec 2099 10:00:30 GMT" }), now), 30000);
  assert.equal(retryAfterMs(answer(429, { "Retry-After": "soon" })), 0);
  assert.equal(retryAfterMs(answer(429)), 0);
  assert.equal(retryAfterMs(null), 0);
});

test("a delivered report is posted as JSON, removed, and announced", async () => {
  const fetch = fakeFetch(201);
  const { outbox, channel } = await outboxWith(fetch, [entry("a")]);
  const result = await outbox.flush();
  assert.deepEqual(result, { delivered: ["a"], refused: [], waiting: [], retryAfterMs: 0 });
  assert.deepEqual(await outbox.pending(), []);
  assert.equal(fetch.calls.length, 1);
  const { url, init } = fetch.calls[0];
  assert.equal(url, URL);
  assert.equal(init.method, "POST");
  assert.equal(init.credentials, "same-origin");
  assert.equal(init.headers["Content-Type"], "application/json");
  assert.equal(init.body, entry("a").body);
  assert.deepEqual(channel.messages, [{ type: "delivered", id: "a" }]);
});

test("a repeat the server already has (200) counts as delivered", async () => {
  const { outbox } = await outboxWith(fakeFetch(200), [entry("a")]);
  assert.deepEqual((await outbox.flush()).delivered, ["a"]);
  assert.deepEqual(await outbox.pending(), []);
});

test("a refused report is removed, counted apart from the delivered, and never retried", async () => {
  const fetch = fakeFetch(404, 201);
  const { outbox, channel } = await outboxWith(fetch, [entry("old", "2099-12-01T09:00:00Z"), entry("new")]);
  const result = await outbox.flush();
  assert.deepEqual(result.refused, ["old"]);
  assert.deepEqual(result.delivered, ["new"]);
  assert.deepEqual(await outbox.pending(), []);
  assert.deepEqual(channel.messages, [{ type: "refused", id: "old", status: 404 }, { type: "delivered", id: "new" }]);
  await outbox.flush();
  assert.equal(fetch.calls.length, 2, "nothing is left to post");
});

test("offline, the reports stay, their attempts are counted, and the pass stops at the first", async () => {
  const fetch = fakeFetch(new TypeError("Failed to fetch"));
  const { outbox, channel } = await outboxWith(fetch, [entry("a", "2099-12-01T09:00:00Z"), entry("b")]);
  const result = await outbox.flush();
  assert.deepEqual(result, { delivered: [], refused: [], waiting: ["a", "b"], retryAfterMs: 0 });
  assert.equal(fetch.calls.length, 1, "one failed post is enough to know the network is gone");
  const left = await outbox.pending();
  assert.deepEqual(left.map((e) => [e.id, e.attempts]), [["a", 1], ["b", 0]]);
  assert.deepEqual(channel.messages, []);
});

test("a server error keeps that report but lets the next one through", async () => {
  const fetch = fakeFetch(500, 201);
  const { outbox } = await outboxWith(fetch, [entry("a", "2099-12-01T09:00:00Z"), entry("b")]);
  const result = await outbox.flush();
  assert.deepEqual(result.waiting, ["a"]);
  assert.deepEqual(result.delivered, ["b"]);
  assert.deepEqual((await outbox.pending()).map((e) => e.id), ["a"]);
});

test("429 keeps every report, stops the pass and passes Retry-After on", async () => {
  const fetch = fakeFetch(answer(429, { "Retry-After": "30" }), 201);
  const { outbox } = await outboxWith(fetch, [entry("a", "2099-12-01T09:00:00Z"), entry("b")]);
  const result = await outbox.flush();
  assert.deepEqual(result.waiting, ["a", "b"]);
  assert.equal(result.retryAfterMs, 30000);
  assert.equal(fetch.calls.length, 1);
  assert.equal((await outbox.pending()).length, 2);
});

test("408 and 503 are kept for the next try", async () => {
  for (const status of [408, 503]) {
    const { outbox } = await outboxWith(fakeFetch(status), [entry("a")]);
    assert.deepEqual((await outbox.flush()).waiting, ["a"], status);
    assert.equal((await outbox.pending()).length, 1, status);
  }
});

test("reports go oldest first", async () => {
  const fetch = fakeFetch(201);
  const { outbox } = await outboxWith(fetch, [
    entry("c", "2099-12-01T12:00:00Z"), entry("a", "2099-12-01T10:00:00Z"), entry("b", "2099-12-01T11:00:00Z"),
  ]);
  await outbox.flush();
  assert.deepEqual(fetch.calls.map((call) => call.id), ["a", "b", "c"]);
});

test("two flushes at once in one context post each report once", async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const calls = [];
  const fetch = async (url, init) => {
    calls.push(JSON.parse(init.body).id);
    await gate;
    return answer(201);
  };
  const { outbox } = await outboxWith(fetch, [entry("a")]);
  const first = outbox.flush();
  const second = outbox.flush();
  release();
  const [one, two] = await Promise.all([first, second]);
  assert.deepEqual(calls, ["a"]);
  assert.deepEqual(one.delivered, ["a"]);
  assert.equal(one, two, "the second joined the first");
});

test("a report added while a flush runs goes in the same flush", async () => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const calls = [];
  const fetch = async (url, init) => {
    calls.push(JSON.parse(init.body).id);
    if (calls.length === 1) await gate;
    return answer(201);
  };
  const { outbox } = await outboxWith(fetch, [entry("a", "2099-12-01T09:00:00Z")]);
  const running = outbox.flush();
  await outbox.add(entry("b"));
  const joined = outbox.flush();
  release();
  const result = await running;
  assert.equal(await joined, result);
  assert.deepEqual(calls, ["a", "b"]);
  assert.deepEqual(result.delivered, ["a", "b"]);
  assert.deepEqual(await outbox.pending(), []);
});

test("a report another context delivered meanwhile does not come back", async () => {
  // The service worker removes it while this page's post of it fails.
  const store = memoryStore();
  const fetch = async () => {
    await store.delete("a");
    throw new TypeError("Failed to fetch");
  };
  const outbox = createOutbox({ store, fetch, channel: null, keepalive: false });
  await outbox.add(entry("a"));
  const result = await outbox.flush();
  assert.deepEqual(result.waiting, ["a"]);
  assert.deepEqual(await outbox.pending(), []);
});

test("an entry needs an id, a URL and a JSON body; the rest is filled in", async () => {
  const { outbox } = await outboxWith(fakeFetch(201));
  await assert.rejects(outbox.add({ url: URL, body: "{}" }), TypeError);
  await assert.rejects(outbox.add({ id: "a", body: "{}" }), TypeError);
  await assert.rejects(outbox.add({ id: "a", url: URL, body: { id: "a" } }), TypeError);
  const stored = await outbox.add({ id: "a", url: URL, body: "{}" });
  assert.equal(stored.attempts, 0);
  assert.match(stored.createdAt, /^\d{4}-\d\d-\d\dT/);
  // Adding the same id again replaces it: one report, one entry.
  await outbox.add({ id: "a", url: URL, body: "{\"again\":true}" });
  assert.deepEqual((await outbox.pending()).map((e) => e.body), ["{\"again\":true}"]);
});

test("the contract the service worker relies on", () => {
  const api = globalThis.ValmisOutbox;
  assert.equal(api.SYNC_TAG, "valmis-outbox");
  assert.equal(api.CHANNEL, "valmis-outbox");
  assert.equal(api.DB_NAME, "valmis");
  assert.equal(api.STORE, "outbox");
  for (const name of ["add", "pending", "flush", "nextDelay"]) assert.equal(typeof api[name], "function", name);
});

test("a post that never answers is given up in time, aborted, and kept for the next try", { timeout: 2000 }, async () => {
  const signals = [];
  const never = (url, init) => {
    signals.push(init.signal);
    return new Promise(() => {});
  };
  const store = memoryStore();
  const outbox = createOutbox({ store, fetch: never, channel: null, keepalive: false, sendTimeoutMs: 20 });
  await outbox.add(entry("a"));
  await outbox.add(entry("b", "2099-12-01T10:00:01.000Z"));
  const result = await outbox.flush();
  assert.deepEqual(result.waiting, ["a", "b"]);
  assert.equal(signals.length, 1, "the rest wait, as when offline");
  assert.equal(signals[0].aborted, true);
  assert.deepEqual((await outbox.pending()).map((e) => e.id), ["a", "b"]);
});
