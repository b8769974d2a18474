// The installable app's page side, on every customer page (not on staff pages):
// - registers the service worker and tells it which language and path to keep for offline use;
// - says calmly when the page is offline (or is a kept copy), and lets the step buttons move
//   on to the kept pages while offline, since a form cannot be sent then;
// - offers "a new version is ready — reload" when an update waits, and reloads only when asked;
// - keeps the browser's install prompt for the Ready page (install-prompt.mjs) instead of
//   letting the browser show its own banner on every page.

import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export const OFFLINE_MARK = "data-offline-copy";

// Where a step form leads when it cannot be sent: its own data-offline-next, or that of the
// chosen radio button (the device page), or nowhere.
export function offlineTarget(form) {
  if (form.dataset.offlineNext) return form.dataset.offlineNext;
  const chosen = form.querySelector("input[type=radio]:checked[data-offline-next]");
  return chosen ? chosen.dataset.offlineNext : null;
}

// Whether a waiting worker is an update (a page already controlled) rather than the first one.
export function isUpdate(registration, controller) {
  return Boolean(registration && registration.waiting && controller);
}

export default class Pwa {
  constructor(element) {
    this.element = element;
    this.note = element.querySelector(".js-offline-note");
    this.update = element.querySelector(".js-update");
    this.reloading = false;
  }

  start() {
    const copy = document.documentElement.hasAttribute(OFFLINE_MARK);
    this.showOffline(copy || !navigator.onLine);
    window.addEventListener("online", () => this.showOffline(copy && !navigator.onLine));
    window.addEventListener("offline", () => this.showOffline(true));
    document.addEventListener("submit", (event) => this.onSubmit(event, copy));
    window.addEventListener("beforeinstallprompt", (event) => {
      event.preventDefault();
      window.valmisInstallPrompt = event;
      document.dispatchEvent(new CustomEvent("valmis:installable"));
    });
    if ("serviceWorker" in navigator && window.isSecureContext) this.register();
  }

  showOffline(offline) {
    if (this.note) this.note.hidden = !offline;
  }

  onSubmit(event, copy) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (navigator.onLine && !copy) return;
    event.preventDefault();
    this.submitWithoutNetwork(form, copy);
  }

  // A kept copy's form has no valid token, and offline no form can be sent. navigator.onLine
  // can say "online" with no way out, so ask the server: reachable, the live page is fetched
  // (press again there); not reachable, the next kept page opens.
  async submitWithoutNetwork(form, copy) {
    if (copy && await this.reachable()) {
      window.location.reload();
      return;
    }
    const target = offlineTarget(form);
    if (target) window.location.assign(target);
    else this.showOffline(true);
  }

  async reachable() {
    try {
      // No answer in time is no way out: the kept page opens rather than a wait for ever.
      const answer = await withDeadline((signal) => fetch(this.element.dataset.pingUrl, { cache: "no-store", signal }),
        deadlineMs("ping"), "ping");
      return answer.ok;
    } catch {
      return false;
    }
  }

  async register() {
    const { swUrl, language, path } = this.element.dataset;
    let registration;
    try {
      registration = await navigator.serviceWorker.register(swUrl, { scope: "/" });
    } catch (error) {
      console.warn("The offline copy is not available here", error);
      return;
    }
    this.watchForUpdates(registration);
    const ready = await navigator.serviceWorker.ready;
    if (ready.active && (path === "web" || path === "app")) {
      ready.active.postMessage({ type: "keep-pages", language, path });
    }
  }

  watchForUpdates(registration) {
    const offer = () => {
      if (isUpdate(registration, navigator.serviceWorker.controller)) this.offerUpdate(registration);
    };
    offer();
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed") offer();
      });
    });
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // Only the reload the person asked for: a page never switches versions under them.
      if (this.reloading) window.location.reload();
    });
  }

  offerUpdate(registration) {
    if (!this.update) return;
    this.update.hidden = false;
    const button = this.update.querySelector("button");
    button.addEventListener("click", () => {
      this.reloading = true;
      button.disabled = true;
      if (registration.waiting) registration.waiting.postMessage({ type: "skip-waiting" });
      else window.location.reload();
    }, { once: true });
  }
}
