// Sends readiness reports that an earlier visit left in the outbox (made offline, and the page
// closed before it was online again). Attached to every customer page with
// data-module="outbox-flush", so that any page of the guide delivers them, not only the checks.
import { startOutbox } from "./outbox.mjs";

export default class OutboxFlush {
  constructor(element) {
    this.element = element;
  }

  start() {
    if (!globalThis.indexedDB || !window.fetch) return;
    startOutbox();
  }
}
