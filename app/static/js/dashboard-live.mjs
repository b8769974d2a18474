// Keeps the staff dashboard's rows current without a reload and without holding a worker:
// a conditional GET every few seconds (304 when nothing changed), paused in a hidden tab,
// backing off on errors. Without it the server-rendered rows and the Refresh link remain.
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export const POLL_MS = 5000;
export const MAX_BACKOFF_MS = 60000;

// How long to wait before the next poll after `failures` errors in a row.
export function nextDelay(failures, base = POLL_MS, max = MAX_BACKOFF_MS) {
  if (failures <= 0) return base;
  return Math.min(max, base * 2 ** failures);
}

// The fields of a row that the table shows, in column order (dashboard.html's columns).
export const COLUMNS = [
  "time", "reference", "language", "status_text", "device", "path", "checks", "last_activity",
];

// What a person sees of a row, as one comparable string: the cells and what styles them.
function visible(row) {
  return JSON.stringify([row.id, row.status, row.url, ...COLUMNS.map((column) => row[column])]);
}

// Whether the rows a person sees differ; only then is the change announced.
export function rowsChanged(oldRows, newRows) {
  if (oldRows.length !== newRows.length) return true;
  return oldRows.some((row, index) => visible(row) !== visible(newRows[index]));
}

// The check results' list, as check_results.html draws it: a glyph hidden from screen
// readers (the words say the same) and "Camera: OK". Text only, never markup from the data.
export function renderChecks(doc, checks) {
  if (!Array.isArray(checks) || checks.length === 0) return null;
  const list = doc.createElement("ul");
  list.className = "check-results";
  for (const check of checks) {
    const item = doc.createElement("li");
    item.className = `check-result check-result--${check.mark}`;
    const symbol = doc.createElement("span");
    symbol.className = "check-result__symbol";
    symbol.setAttribute("aria-hidden", "true");
    symbol.textContent = check.symbol ?? "";
    item.append(symbol, doc.createTextNode(` ${check.label}: ${check.text}`));
    list.append(item);
  }
  return list;
}

// One table row, as dashboard.html draws it: the time is the row's header and links to the
// invite's page.
export function renderRow(doc, row) {
  const tr = doc.createElement("tr");
  tr.dataset.inviteId = String(row.id);
  for (const column of COLUMNS) {
    const cell = doc.createElement(column === "time" ? "th" : "td");
    if (column === "time") {
      cell.setAttribute("scope", "row");
      const link = doc.createElement("a");
      link.href = row.url;
      link.textContent = row.time ?? "";
      cell.append(link);
    } else if (column === "status_text") {
      const span = doc.createElement("span");
      span.className = `invite-status invite-status--${row.status}`;
      span.textContent = row.status_text ?? "";
      cell.append(span);
    } else if (column === "checks") {
      const list = renderChecks(doc, row.checks);
      if (list) cell.append(list);
    } else {
      cell.textContent = row[column] ?? "";
    }
    tr.append(cell);
  }
  return tr;
}

// A response that means the session has ended: 401, or the redirect to sign-in.
export function isSignedOut(response) {
  return response.status === 401 || response.type === "opaqueredirect" || response.redirected;
}

export default class DashboardLive {
  constructor(element) {
    this.element = element;
    this.url = element.dataset.url;
    this.table = element.querySelector(".js-dashboard-table");
    this.body = element.querySelector(".js-dashboard-rows");
    this.empty = element.querySelector(".js-dashboard-empty");
    this.announce = element.querySelector(".js-dashboard-announce");
    this.signedOut = element.querySelector(".js-dashboard-signed-out");
    this.etag = null;
    this.rows = null;
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    if (!this.url || !this.body || !window.fetch) return;
    document.addEventListener("visibilitychange", () => this.onVisibility());
    // The first poll learns the ETag and rows; the page already shows the same rows.
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
        const { rows } = await withDeadline(response.json(), deadlineMs("poll"), "dashboard poll");
        this.etag = response.headers.get("ETag");
        this.update(rows);
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

  update(rows) {
    // The first answer redraws quietly, in case anything changed since the page was made;
    // after that, only a visible change redraws and is announced.
    const first = this.rows === null;
    const changed = first || rowsChanged(this.rows, rows);
    this.rows = rows;
    if (!changed) return;
    this.body.replaceChildren(...rows.map((row) => renderRow(document, row)));
    if (this.table) this.table.hidden = rows.length === 0;
    if (this.empty) this.empty.hidden = rows.length !== 0;
    if (!first && this.announce) this.announce.textContent = this.element.dataset.i18nUpdated || "";
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.signedOut) this.signedOut.hidden = false;
  }
}
