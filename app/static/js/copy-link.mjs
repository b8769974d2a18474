// Adds a "Copy link" button beside a read-only link field; without it the field can be
// selected and copied by hand, so the page works without JavaScript too.
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export default class CopyLink {
  constructor(element) {
    this.element = element;
    this.input = element.querySelector(".copy-link__input");
    this.button = element.querySelector(".copy-link__button");
    this.status = element.querySelector(".copy-link__status");
  }

  start() {
    if (!this.input || !this.button) return;
    this.button.hidden = false;
    this.button.addEventListener("click", () => this.copy());
  }

  async copy() {
    const { i18nCopied, i18nFailed } = this.element.dataset;
    try {
      // Unanswered, it ends as a failure: the link is selected for copying by hand.
      await withDeadline(navigator.clipboard.writeText(this.input.value), deadlineMs("clipboard"), "clipboard");
      this.status.textContent = i18nCopied;
    } catch {
      this.input.select();
      this.status.textContent = i18nFailed;
    }
  }
}
