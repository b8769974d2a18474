import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_BACKOFF_MS, POLL_MS, isSignedOut, nextDelay, rowsChanged } from "../../app/static/js/dashboard-live.mjs";

const row = (overrides = {}) => ({
  id: 1, url: "/staff/invites/1", time: "3.12.2099 klo 14.00", reference: "", language: "suomi",
  status: "not-opened", status_text: "Ei avattu", device: "", path: "", checks: [],
  last_activity: "", ...overrides,
});

test("the poll waits 5 s, then doubles on each error up to 60 s", () => {
  assert.equal(nextDelay(0), POLL_MS);
  assert.equal(nextDelay(1), 10000);
  assert.equal(nextDelay(2), 20000);
  assert.equal(nextDelay(3), 40000);
  assert.equal(nextDelay(4), MAX_BACKOFF_MS);
  assert.equal(nextDelay(50), MAX_BACKOFF_MS);
});

test("identical rows are no change", () => {
  assert.equal(rowsChanged([row()], [row()]), false);
  assert.equal(rowsChanged([], []), false);
});

test("a new status, a new row or another order is a change", () => {
  assert.equal(rowsChanged([row()], [row({ status: "ready", status_text: "Valmis" })]), true);
  assert.equal(rowsChanged([row()], [row(), row({ id: 2 })]), true);
  assert.equal(rowsChanged([row(), row({ id: 2 })], [row({ id: 2 }), row()]), true);
  assert.equal(rowsChanged([row()], [row({ last_activity: "1.12.2099 10.00" })]), true);
});

test("401 and the redirect to sign-in mean signed out; 304 and 500 do not", () => {
  assert.equal(isSignedOut({ status: 401, type: "basic", redirected: false }), true);
  assert.equal(isSignedOut({ status: 0, type: "opaqueredirect", redirected: false }), true);
  assert.equal(isSignedOut({ status: 304, type: "basic", redirected: false }), false);
  assert.equal(isSignedOut({ status: 500, type: "basic", redirected: false }), false);
});
