// Keeps the staff dashboard's rows current without a reload and without holding a worker:
// a conditional GET every few seconds for the rows the server draws (304 when nothing
// changed), paused in a hidden tab, backing off on errors. The rows are drawn only by the
// server (dashboard_rows.html); this swaps in those that changed, keeps the keyboard focus
// where it was, and tells screen readers once what changed. Without it the server-rendered
// rows and the Refresh link remain.
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export const POLL_MS = 5000;
export const MAX_BACKOFF_MS = 60000;
// More changed rows than this at once are announced as "the list was updated", not one by one.
export const MAX_NAMED_ROWS = 3;

const ELEMENT = 1;
const TEXT = 3;

// How long to wait before the next poll after `failures` errors in a row.
export function nextDelay(failures, base = POLL_MS, max = MAX_BACKOFF_MS) {
  if (failures <= 0) return base;
  return Math.min(max, base * 2 ** failures);
}

// A response that means the session has ended: 401, or the redirect to sign-in.
export function isSignedOut(response) {
  return response.status === 401 || response.type === "opaqueredirect" || response.redirected;
}

// What a screen reader reads of a node: its text without what is aria-hidden (a check's glyph).
export function spokenText(node) {
  if (node.nodeType === TEXT) return node.textContent;
  if (node.nodeType !== ELEMENT || node.getAttribute("aria-hidden") === "true") return "";
  return Array.from(node.childNodes, spokenText).join("");
}

// The template's own spacing collapsed; a formatted time keeps its no-break spaces.
const words = (text) => text.replace(/[ \t\r\n]+/g, " ").trim();

// A cell's words: one item per list item (a check's result), or the whole cell as one.
function cellItems(cell) {
  const items = Array.from(cell.querySelectorAll("li"));
  return (items.length ? items : [cell]).map((node) => words(spokenText(node))).filter(Boolean);
}

// What the comparison needs of one row: its invite, its markup and each cell's words.
export function rowFacts(row) {
  return {
    id: row.dataset.inviteId,
    html: row.outerHTML,
    cells: Array.from(row.children, cellItems),
  };
}

// Rows added, rows removed, and for each row still there whose markup changed, the columns
// whose words changed with only their new words (a check that stayed "OK" is not news).
export function rowChanges(oldRows, newRows) {
  const before = new Map(oldRows.map((row) => [row.id, row]));
  const kept = new Set(newRows.map((row) => row.id));
  const added = [];
  const changed = [];
  for (const row of newRows) {
    const old = before.get(row.id);
    if (!old) {
      added.push(row);
    } else if (old.html !== row.html) {
      const columns = [];
      row.cells.forEach((items, index) => {
        const fresh = items.filter((item) => !(old.cells[index] ?? []).includes(item));
        if (fresh.length) columns.push({ index, items: fresh });
      });
      changed.push({ row, columns });
    }
  }
  const removed = oldRows.filter((row) => !kept.has(row.id));
  const order = (rows) => rows.filter((row) => before.has(row.id) && kept.has(row.id))
    .map((row) => row.id).join(" ");
  const moved = order(oldRows) !== order(newRows);
  return { added, removed, changed, moved };
}

// An appointment as a person tells it apart: its time and, when there is one, its reference.
function appointment(row) {
  return [row.cells[0]?.[0], row.cells[1]?.[0]].filter(Boolean).join(", ");
}

// One sentence for one poll's changes, in the page's language, or "" for none. `headers` are
// the table's column headers; `texts` the data-i18n-* sentences, whose %(appointment)s this
// fills in. Many changes at once are one general sentence rather than a long reading.
export function announcement(changes, headers, texts) {
  const { added, removed, changed, moved } = changes;
  const count = added.length + removed.length + changed.length;
  if (count === 0) return moved ? texts.updated ?? "" : "";
  if (count > MAX_NAMED_ROWS || !texts.changed || !texts.added || !texts.removed) {
    return texts.updated ?? "";
  }
  const fill = (template, row) => template.replace("%(appointment)s", () => appointment(row));
  const sentences = [];
  for (const { row, columns } of changed) {
    const what = columns.map(({ index, items }) => `${headers[index] ?? ""}: ${items.join(", ")}`);
    sentences.push([fill(texts.changed, row), what.join("; ")].filter(Boolean).join(" "));
  }
  for (const row of added) sentences.push(fill(texts.added, row));
  for (const row of removed) sentences.push(fill(texts.removed, row));
  return sentences.join(" ");
}

// The rows in the server's HTML. A <template> parses table rows in place and keeps them
// inert; the markup is the server's own, escaped there, and carries no script or style.
export function parseRows(doc, html) {
  const template = doc.createElement("template");
  template.innerHTML = html;
  return Array.from(template.content.querySelectorAll("tr[data-invite-id]"));
}

// Where an element sits in its row (child indexes), to find its like in the new row.
function pathWithin(row, element) {
  const path = [];
  for (let node = element; node !== row; node = node.parentNode) {
    path.unshift(Array.prototype.indexOf.call(node.parentNode.children, node));
  }
  return path;
}

// A changed row keeps its own <tr> and every cell that did not change, so that the link a
// keyboard is on stays in the page unless that very cell changed.
function mergeRow(old, fresh) {
  const cells = Array.from(fresh.children);
  cells.forEach((cell, index) => {
    const was = old.children[index];
    if (!was) old.append(cell);
    else if (was.outerHTML !== cell.outerHTML) was.replaceWith(cell);
  });
  while (old.children.length > cells.length) old.lastElementChild.remove();
}

// Puts `freshRows` into `body` in their order, touching only what changed, then gives the
// focus back if the swap took it: to the same element, to its like in the new row, or, when
// its row is gone, to `fallback()`.
export function swapRows(body, freshRows, doc, fallback = () => null) {
  const active = doc.activeElement;
  const focusedRow = active && active !== body && body.contains(active)
    ? Array.from(body.children).find((row) => row.contains(active)) : null;
  const focus = focusedRow && { id: focusedRow.dataset.inviteId, path: pathWithin(focusedRow, active) };

  const current = new Map(Array.from(body.children, (row) => [row.dataset.inviteId, row]));
  const wanted = freshRows.map((fresh) => {
    const old = current.get(fresh.dataset.inviteId);
    if (!old) return fresh;
    if (old.outerHTML !== fresh.outerHTML) mergeRow(old, fresh);
    return old;
  });
  for (const row of Array.from(body.children)) if (!wanted.includes(row)) row.remove();
  wanted.forEach((row, index) => {
    // Only a row out of place moves: moving a node takes the focus from within it.
    if (body.children[index] !== row) body.insertBefore(row, body.children[index] ?? null);
  });

  if (!focus || doc.activeElement === active) return;
  let target = active.isConnected ? active : null;
  if (!target) {
    const row = Array.from(body.children).find((tr) => tr.dataset.inviteId === focus.id);
    target = row ?? null;
    for (const index of focus.path) target = target?.children[index] ?? null;
    if (target && target.tagName !== active.tagName) target = null;
    if (!target) target = fallback();
  }
  target?.focus({ preventScroll: true });
}

export default class DashboardLive {
  constructor(element) {
    this.element = element;
    this.url = element.dataset.url;
    this.table = element.querySelector(".js-dashboard-table");
    this.body = element.querySelector(".js-dashboard-rows");
    this.empty = element.querySelector(".js-dashboard-empty");
    this.refresh = element.querySelector(".js-dashboard-refresh");
    this.announce = element.querySelector(".js-dashboard-announce");
    this.signedOut = element.querySelector(".js-dashboard-signed-out");
    // The ETag of the rows the page was drawn with: the first poll is a 304 if none changed.
    this.etag = element.dataset.etag || null;
    this.texts = {
      updated: element.dataset.i18nUpdated,
      changed: element.dataset.i18nRowChanged,
      added: element.dataset.i18nRowAdded,
      removed: element.dataset.i18nRowRemoved,
    };
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    if (!this.url || !this.body || !window.fetch) return;
    document.addEventListener("visibilitychange", () => this.onVisibility());
    this.poll();
  }

  onVisibility() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = null;
    if (!document.hidden) this.poll();
  }

  schedule() {
    if (this.stopped || document.hidden) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), nextDelay(this.failures));
  }

  async poll() {
    if (this.stopped || document.hidden) return;
    const headers = this.etag ? { "If-None-Match": this.etag } : {};
    try {
      // A poll that hangs would stop every later one: it ends (aborted) and counts as an error.
      const response = await withDeadline((signal) => fetch(this.url, {
        headers, credentials: "same-origin", cache: "no-store", redirect: "manual", signal,
      }), deadlineMs("poll"), "dashboard poll");
      if (isSignedOut(response)) {
        this.stop();
        return;
      }
      if (response.status === 200) {
        const html = await withDeadline(response.text(), deadlineMs("poll"), "dashboard poll");
        this.update(html);
        this.etag = response.headers.get("ETag");
      } else if (response.status !== 304) {
        throw new Error(`dashboard poll answered ${response.status}`);
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      console.warn("dashboard poll failed", error);
    }
    this.schedule();
  }

  // The column headers as read out, e.g. "Status", to say which cell changed.
  headers() {
    return Array.from(this.table?.querySelectorAll("thead th") ?? [], (th) => words(spokenText(th)));
  }

  // The rows of one answer (a method, so that a test without a DOM can hand them over).
  parse(html) {
    return parseRows(document, html);
  }

  update(html) {
    const fresh = this.parse(html);
    const changes = rowChanges(Array.from(this.body.children, rowFacts), fresh.map(rowFacts));
    const message = announcement(changes, this.headers(), this.texts);
    if (this.table) this.table.hidden = fresh.length === 0;
    if (this.empty) this.empty.hidden = fresh.length !== 0;
    swapRows(this.body, fresh, document,
      () => (this.table && !this.table.hidden ? this.table : this.refresh));
    if (message && this.announce) this.announce.textContent = message;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.signedOut) this.signedOut.hidden = false;
  }
}
