import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_BACKOFF_MS, MAX_NAMED_ROWS, POLL_MS, announcement, isSignedOut, nextDelay, rowChanges,
  rowFacts, spokenText, swapRows,
} from "../../app/static/js/dashboard-live.mjs";
import { FakeDocument, row, tableBody } from "./fake-dom.mjs";

const HEADERS = ["Time", "Reference", "Status", "Checks"];
const TEXTS = {
  updated: "The list of appointments was updated.",
  changed: "Updated: %(appointment)s.",
  added: "New appointment: %(appointment)s.",
  removed: "No longer listed: %(appointment)s.",
};
const OK = [["✓", "Camera: OK"], ["✓", "Speakers: OK"]];
const NOT_HEARD = [["✓", "Camera: OK"], ["✗", "Speakers: Not heard"]];

// What one poll would say, from rows before and after (as option objects for row()).
function said(before, after, texts = TEXTS) {
  const doc = new FakeDocument();
  const facts = (rows) => rows.map((options) => rowFacts(row(doc, options)));
  return announcement(rowChanges(facts(before), facts(after)), HEADERS, texts);
}

test("the poll waits 5 s, then doubles on each error up to 60 s", () => {
  assert.equal(nextDelay(0), POLL_MS);
  assert.equal(nextDelay(1), 10000);
  assert.equal(nextDelay(2), 20000);
  assert.equal(nextDelay(3), 40000);
  assert.equal(nextDelay(4), MAX_BACKOFF_MS);
  assert.equal(nextDelay(50), MAX_BACKOFF_MS);
});

test("401 and the redirect to sign-in mean signed out; 304 and 500 do not", () => {
  assert.equal(isSignedOut({ status: 401, type: "basic", redirected: false }), true);
  assert.equal(isSignedOut({ status: 0, type: "opaqueredirect", redirected: false }), true);
  assert.equal(isSignedOut({ status: 304, type: "basic", redirected: false }), false);
  assert.equal(isSignedOut({ status: 500, type: "basic", redirected: false }), false);
});

test("what is read of a row is its words, without the checks' glyphs", () => {
  const doc = new FakeDocument();
  const tr = row(doc, { id: "7", checks: NOT_HEARD });
  assert.equal(spokenText(tr.children[3]), " Camera: OK Speakers: Not heard");
  assert.deepEqual(rowFacts(tr).cells,
    [["14.00"], ["Ti 14"], ["Not opened"], ["Camera: OK", "Speakers: Not heard"]]);
  assert.equal(rowFacts(tr).id, "7");
});

test("the same rows say nothing", () => {
  const rows = [{ id: "1" }, { id: "2", status: "Ready", checks: OK }];
  assert.equal(said(rows, rows), "");
  assert.equal(said([], []), "");
});

test("a changed row says which appointment and what changed, in the page's words", () => {
  assert.equal(said([{ id: "1" }], [{ id: "1", status: "Ready", checks: OK }]),
    "Updated: 14.00, Ti 14. Status: Ready; Checks: Camera: OK, Speakers: OK");
  // Only the check whose result changed is news.
  assert.equal(said([{ id: "1", status: "Ready", checks: OK }],
    [{ id: "1", status: "Not ready", checks: NOT_HEARD }]),
  "Updated: 14.00, Ti 14. Status: Not ready; Checks: Speakers: Not heard");
  // Without a reference the time alone names the appointment.
  assert.equal(said([{ id: "1", reference: "" }], [{ id: "1", reference: "", status: "Ready" }]),
    "Updated: 14.00. Status: Ready");
});

test("a new and a removed appointment are named; each change once", () => {
  assert.equal(said([{ id: "1" }], [{ id: "1" }, { id: "2", time: "15.00", reference: "Ke" }]),
    "New appointment: 15.00, Ke.");
  assert.equal(said([{ id: "1" }, { id: "2", time: "15.00", reference: "Ke" }], [{ id: "1" }]),
    "No longer listed: 15.00, Ke.");
  assert.equal(said([{ id: "1" }, { id: "2" }], [{ id: "1", status: "Ready" }, { id: "3" }]),
    "Updated: 14.00, Ti 14. Status: Ready New appointment: 14.00, Ti 14. "
    + "No longer listed: 14.00, Ti 14.");
});

test("many changes at once, or only a new order, are one general sentence", () => {
  const before = Array.from({ length: MAX_NAMED_ROWS + 1 }, (_, index) => ({ id: String(index) }));
  const after = before.map((options) => ({ ...options, status: "Ready" }));
  assert.equal(said(before, after), TEXTS.updated);
  assert.equal(said(before.slice(0, MAX_NAMED_ROWS), after.slice(0, MAX_NAMED_ROWS)).split("Updated:").length,
    MAX_NAMED_ROWS + 1);
  assert.equal(said([{ id: "1" }, { id: "2" }], [{ id: "2" }, { id: "1" }]), TEXTS.updated);
  // A page without the row sentences still says something.
  assert.equal(said([{ id: "1" }], [{ id: "1", status: "Ready" }], { updated: TEXTS.updated }),
    TEXTS.updated);
});

test("a placeholder-like reference is not filled in twice", () => {
  assert.equal(said([{ id: "1", reference: "$& %(appointment)s" }], [{ id: "1", reference: "$& %(appointment)s", status: "Ready" }]),
    "Updated: 14.00, $& %(appointment)s. Status: Ready");
});

// The swap: a body in a document, rows from the server's answer.

function swap(doc, body, freshOptions, fallback) {
  const fresh = freshOptions.map((options) => row(doc, options));
  swapRows(body, fresh, doc, fallback);
  return fresh;
}

test("unchanged rows stay the very same elements; the rows end in the server's order", () => {
  const doc = new FakeDocument();
  const [one, two] = [row(doc, { id: "1" }), row(doc, { id: "2" })];
  const body = tableBody(doc, [one, two]);
  swap(doc, body, [{ id: "1" }, { id: "2", status: "Ready" }, { id: "3" }]);
  assert.equal(body.children[0], one);
  assert.equal(body.children[1], two, "a changed row keeps its own <tr>");
  assert.deepEqual(body.children.map((tr) => tr.dataset.inviteId), ["1", "2", "3"]);
  assert.equal(rowFacts(two).html, rowFacts(row(doc, { id: "2", status: "Ready" })).html);

  swap(doc, body, [{ id: "3" }, { id: "1" }]);
  assert.deepEqual(body.children.map((tr) => tr.dataset.inviteId), ["3", "1"]);
  swap(doc, body, []);
  assert.deepEqual(body.children, []);
});

test("the link a keyboard is on stays focused when other cells of its row change", () => {
  const doc = new FakeDocument();
  const mine = row(doc, { id: "1" });
  const body = tableBody(doc, [mine, row(doc, { id: "2" })]);
  const link = mine.children[0].children[0];
  link.focus();
  doc.focusCalls = 0;
  swap(doc, body, [{ id: "1", status: "Ready", checks: OK }, { id: "2", status: "Ready" }]);
  assert.equal(doc.activeElement, link);
  assert.equal(doc.focusCalls, 0, "never taken, so never given back");
  assert.equal(link.isConnected, true);
});

test("focus moves to the new link when the focused cell itself changed", () => {
  const doc = new FakeDocument();
  const mine = row(doc, { id: "1" });
  const body = tableBody(doc, [mine]);
  mine.children[0].children[0].focus();
  swap(doc, body, [{ id: "1", time: "14.30" }]);
  assert.equal(doc.activeElement.tagName, "A");
  assert.equal(doc.activeElement.isConnected, true);
  assert.equal(doc.activeElement.textContent, "14.30");
});

test("a focused row that moves gets its focus back", () => {
  const doc = new FakeDocument();
  const mine = row(doc, { id: "2" });
  const body = tableBody(doc, [row(doc, { id: "1" }), mine]);
  const link = mine.children[0].children[0];
  link.focus();
  swap(doc, body, [{ id: "2" }, { id: "1" }]);
  assert.equal(doc.activeElement, link);
});

test("when the focused row is gone, the focus goes to the fallback, not to the page", () => {
  const doc = new FakeDocument();
  const mine = row(doc, { id: "1" });
  const body = tableBody(doc, [mine, row(doc, { id: "2" })]);
  const region = doc.createElement("div");
  doc.root.append(region);
  mine.children[0].children[0].focus();
  swap(doc, body, [{ id: "2" }], () => region);
  assert.equal(doc.activeElement, region);
});

test("focus outside the rows is left alone", () => {
  const doc = new FakeDocument();
  const body = tableBody(doc, [row(doc, { id: "1" })]);
  const refresh = doc.createElement("a");
  doc.root.append(refresh);
  refresh.focus();
  doc.focusCalls = 0;
  swap(doc, body, [{ id: "2" }], () => assert.fail("no fallback needed"));
  assert.equal(doc.activeElement, refresh);
  assert.equal(doc.focusCalls, 0);
});
