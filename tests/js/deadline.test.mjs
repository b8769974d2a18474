// withDeadline: a step that waits on the browser ends in time, whatever the browser does.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  DEADLINES_MS, deadlineMs, isTimeout, withDeadline,
} from "../../app/static/js/lib/deadline.mjs";

const never = () => new Promise(() => {});

describe("withDeadline", () => {
  test("a promise that never settles rejects with a TimeoutError naming the step", async () => {
    await assert.rejects(withDeadline(never(), 10, "AudioContext.resume"), (error) => {
      assert.ok(isTimeout(error));
      assert.match(error.message, /AudioContext\.resume/);
      return true;
    });
  });

  test("a quick answer passes through, as does its failure", async () => {
    assert.equal(await withDeadline(Promise.resolve(7), 1000, "quick"), 7);
    await assert.rejects(withDeadline(Promise.reject(new RangeError("no")), 1000, "x"), RangeError);
  });

  test("what comes after the deadline goes to onLate (a late camera is stopped there)", async () => {
    let late = null;
    const slow = new Promise((resolve) => setTimeout(() => resolve("stream"), 30));
    await assert.rejects(withDeadline(slow, 5, "getUserMedia", { onLate: (value) => { late = value; } }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(late, "stream");
  });

  test("a function is given a signal that aborts at the deadline (fetch stops too)", async () => {
    let given = null;
    await assert.rejects(withDeadline((signal) => { given = signal; return never(); }, 10, "ping"));
    assert.equal(given.aborted, true);
    assert.ok(isTimeout(given.reason));
  });

  test("the caller's signal stops it at once, as an AbortError, not a timeout", async () => {
    const stop = new AbortController();
    const running = withDeadline(never, 10_000, "download", { signal: stop.signal });
    stop.abort();
    await assert.rejects(running, (error) => error.name === "AbortError");
  });
});

describe("deadlineMs", () => {
  test("is the default unless a test has set another", () => {
    assert.equal(deadlineMs("resume"), DEADLINES_MS.resume);
    globalThis.ValmisTestSettings = { deadlines: { resume: 5 } };
    try {
      assert.equal(deadlineMs("resume"), 5);
      assert.equal(deadlineMs("ping"), DEADLINES_MS.ping);
    } finally {
      delete globalThis.ValmisTestSettings;
    }
  });

  test("every deadline is bounded, and a person gets longest to answer a prompt", () => {
    for (const [step, ms] of Object.entries(DEADLINES_MS)) {
      assert.ok(Number.isFinite(ms) && ms > 0 && ms <= 60_000, step);
    }
    assert.equal(Math.max(...Object.values(DEADLINES_MS)), DEADLINES_MS.getUserMedia);
  });
});
