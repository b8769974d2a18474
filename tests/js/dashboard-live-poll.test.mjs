// One poll of the dashboard's rows, against answers a server or a network might give: what
// it asks, what it swaps in, what it reads out, and what a person sees when it cannot go on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeDocument, FakeText, row, tableBody } from "./fake-dom.mjs";

const doc = new FakeDocument();
globalThis.document = Object.assign(doc, { hidden: false, addEventListener() {} });
globalThis.window = { fetch: () => {} };
const { default: DashboardLive } = await import("../../app/static/js/dashboard-live.mjs");

const TEXTS = {
  i18nUpdated: "The list of appointments was updated.",
  i18nRowChanged: "Updated: %(appointment)s.",
  i18nRowAdded: "New appointment: %(appointment)s.",
  i18nRowRemoved: "No longer listed: %(appointment)s.",
};

// A dashboard as dashboard.html draws it, with one row; rows the "server" answers are
// handed over as elements (parse), since Node has no HTML parser.
function dashboard(answers) {
  const table = doc.createElement("div");
  const head = doc.createElement("thead");
  for (const name of ["Time", "Reference", "Status", "Checks"]) {
    const th = doc.createElement("th");
    th.append(new FakeText(name));
    head.append(th);
  }
  table.append(head);
  doc.root.append(table);
  const body = tableBody(doc, [row(doc, { id: "1" })]);
  const parts = {
    ".js-dashboard-table": table, ".js-dashboard-rows": body,
    ".js-dashboard-empty": { hidden: true }, ".js-dashboard-refresh": null,
    ".js-dashboard-announce": { textContent: "" }, ".js-dashboard-signed-out": { hidden: true },
  };
  const element = {
    dataset: { url: "/staff/dashboard/rows", etag: '"page"', ...TEXTS },
    querySelector: (selector) => parts[selector] ?? null,
  };
  const requests = [];
  globalThis.fetch = async (url, options) => {
    requests.push({ url, ...options });
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const live = new DashboardLive(element);
  live.parse = (html) => html.map((options) => row(doc, options));
  live.schedule = () => { live.scheduled = (live.scheduled ?? 0) + 1; };
  return { live, parts, requests };
}

const answer = (status, rows = [], etag = null) => ({
  status, type: "basic", redirected: false,
  headers: { get: (name) => (name === "ETag" ? etag : null) },
  text: async () => rows,
});

test("the first poll asks with the page's own ETag, and a 304 changes nothing", async () => {
  const { live, parts, requests } = dashboard([answer(304)]);
  await live.poll();
  assert.equal(requests[0].url, "/staff/dashboard/rows");
  assert.equal(requests[0].headers["If-None-Match"], '"page"');
  assert.equal(requests[0].redirect, "manual");
  assert.equal(parts[".js-dashboard-announce"].textContent, "");
  assert.equal(live.failures, 0);
  assert.equal(live.scheduled, 1);
});

test("new rows are swapped in, read out once, and their ETag asked with next", async () => {
  const { live, parts, requests } = dashboard([
    answer(200, [{ id: "1", status: "Ready" }], '"two"'), answer(304)]);
  await live.poll();
  const body = parts[".js-dashboard-rows"];
  assert.equal(body.children[0].children[2].textContent, "Ready");
  assert.equal(parts[".js-dashboard-announce"].textContent,
    "Updated: 14.00, Ti 14. Status: Ready");
  parts[".js-dashboard-announce"].textContent = "";
  await live.poll();
  assert.equal(requests[1].headers["If-None-Match"], '"two"');
  assert.equal(parts[".js-dashboard-announce"].textContent, "", "the same change is not read again");
});

test("no rows left hide the table and show the empty sentence", async () => {
  const { live, parts } = dashboard([answer(200, [], '"none"')]);
  await live.poll();
  assert.equal(parts[".js-dashboard-table"].hidden, true);
  assert.equal(parts[".js-dashboard-empty"].hidden, false);
  assert.equal(parts[".js-dashboard-announce"].textContent, "No longer listed: 14.00, Ti 14.");
});

for (const [name, signedOut] of [
  ["a 401", answer(401)],
  ["the redirect to sign-in", { ...answer(0), type: "opaqueredirect" }],
]) {
  test(`${name} shows the signed-out note and stops polling`, async () => {
    const { live, parts } = dashboard([signedOut]);
    await live.poll();
    assert.equal(parts[".js-dashboard-signed-out"].hidden, false);
    assert.equal(live.stopped, true);
    assert.equal(live.scheduled, undefined);
    assert.equal(parts[".js-dashboard-rows"].children.length, 1, "the rows stay as they were");
  });
}

for (const [name, failure] of [
  ["a network error", new TypeError("Failed to fetch")],
  ["a server error", answer(500)],
  ["a day the server refuses", answer(400)],
]) {
  test(`${name} keeps the rows, says nothing, and backs off`, async () => {
    const { live, parts } = dashboard([failure]);
    const warn = console.warn;
    console.warn = () => {};
    try {
      await live.poll();
    } finally {
      console.warn = warn;
    }
    assert.equal(live.failures, 1);
    assert.equal(live.scheduled, 1);
    assert.equal(live.etag, '"page"');
    assert.equal(parts[".js-dashboard-signed-out"].hidden, true);
    assert.equal(parts[".js-dashboard-announce"].textContent, "");
    assert.equal(parts[".js-dashboard-rows"].children.length, 1);
  });
}
