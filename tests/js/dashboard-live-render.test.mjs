import { test } from "node:test";
import assert from "node:assert/strict";
import { COLUMNS, renderChecks, renderRow, rowsChanged } from "../../app/static/js/dashboard-live.mjs";

// Just enough of a document for the drawing functions: elements record what is set on them,
// and innerHTML throws, so a test fails if data were ever parsed as markup.
class FakeElement {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.attributes = {};
    this.dataset = {};
    this.className = "";
    this.href = "";
    this.ownText = "";
  }
  set innerHTML(_value) { throw new Error("innerHTML must not be used"); }
  set textContent(value) { this.children = []; this.ownText = String(value); }
  get textContent() { return this.ownText + this.children.map((child) => child.textContent).join(""); }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  append(...nodes) { this.children.push(...nodes); }
}
const doc = {
  createElement: (tag) => new FakeElement(tag),
  createTextNode: (text) => ({ textContent: text }),
};

const checks = [
  { name: "camera", label: "Camera", mark: "ok", symbol: "✓", text: "OK" },
  { name: "speaker", label: "Speakers", mark: "problem", symbol: "✗", text: "Not heard" },
];
const row = (overrides = {}) => ({
  id: 7, url: "/staff/invites/7", time: "3.12.2099 klo 14.00", reference: "<b>Ti 14</b>",
  language: "suomi", status: "not-ready", status_text: "Ei valmis",
  device: "Android-puhelin, Chrome", path: "Teams-sovellus", checks, last_activity: "1.12.2099",
  ...overrides,
});

test("a row has the page's eight cells, the time as its header linking to the invite", () => {
  const tr = renderRow(doc, row());
  assert.equal(tr.dataset.inviteId, "7");
  assert.equal(tr.children.length, COLUMNS.length);
  assert.deepEqual(tr.children.map((cell) => cell.tagName),
    ["TH", "TD", "TD", "TD", "TD", "TD", "TD", "TD"]);
  const [time, reference, language, status, device, path, checkCell, last] = tr.children;
  assert.equal(time.attributes.scope, "row");
  assert.equal(time.children[0].tagName, "A");
  assert.equal(time.children[0].href, "/staff/invites/7");
  assert.equal(time.textContent, "3.12.2099 klo 14.00");
  // Data is text: the reference's angle brackets stay characters.
  assert.equal(reference.textContent, "<b>Ti 14</b>");
  assert.equal(reference.children.length, 0);
  assert.equal(language.textContent, "suomi");
  assert.equal(status.children[0].className, "invite-status invite-status--not-ready");
  assert.equal(status.textContent, "Ei valmis");
  assert.equal(device.textContent, "Android-puhelin, Chrome");
  assert.equal(path.textContent, "Teams-sovellus");
  assert.equal(checkCell.children[0].className, "check-results");
  assert.equal(last.textContent, "1.12.2099");
});

test("each check is a list item: a glyph hidden from screen readers, then its words", () => {
  const list = renderChecks(doc, checks);
  assert.equal(list.tagName, "UL");
  const [camera, speaker] = list.children;
  assert.equal(camera.className, "check-result check-result--ok");
  assert.equal(speaker.className, "check-result check-result--problem");
  const [symbol] = speaker.children;
  assert.equal(symbol.className, "check-result__symbol");
  assert.equal(symbol.attributes["aria-hidden"], "true");
  assert.equal(symbol.textContent, "✗");
  assert.equal(speaker.textContent, "✗ Speakers: Not heard");
  assert.equal(camera.textContent, "✓ Camera: OK");
});

test("no checks yet leaves the cell empty", () => {
  assert.equal(renderChecks(doc, []), null);
  assert.equal(renderChecks(doc, undefined), null);
  const tr = renderRow(doc, row({ checks: [], device: "" }));
  assert.equal(tr.children[6].children.length, 0);
  assert.equal(tr.children[4].textContent, "");
});

test("a changed device or check result is a change; the same values are not", () => {
  assert.equal(rowsChanged([row()], [row({ checks: checks.map((check) => ({ ...check })) })]), false);
  assert.equal(rowsChanged([row()], [row({ device: "iPhone, Safari" })]), true);
  const heard = [checks[0], { ...checks[1], mark: "ok", symbol: "✓", text: "OK" }];
  assert.equal(rowsChanged([row()], [row({ checks: heard })]), true);
  assert.equal(rowsChanged([row()], [row({ url: "/staff/invites/8" })]), true);
});
